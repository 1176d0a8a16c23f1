import { DEMO_ADMIN, expect, newAccount, signIn, signUp, test } from './support/fixtures';

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

test.describe('people', () => {
  test('a user pages, searches, creates and edits people, and sees no delete button', async ({ page, saveScreenshot }) => {
    await signUp(page, newAccount('people'));
    const rows = page.locator('tbody tr');
    await expect(rows).toHaveCount(20);
    await expect(page.getByText('Showing 20 people; more to load.')).toBeVisible();
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(20);
    await expect(page.getByRole('button', { name: /^Delete/ })).toHaveCount(0);
    await saveScreenshot('people');

    // Create, checked first by the shared schema in the browser.
    await page.getByRole('link', { name: 'New person' }).click();
    await expect(page).toHaveURL(/\/people\/new$/);
    await page.getByRole('button', { name: 'Create person' }).click();
    await expect(page.locator('#person-first-name-errors')).toHaveText('First name is required');
    await expect(page.locator('#person-last-name-errors')).toHaveText('Last name is required');
    await expect(page.getByLabel('First name')).toBeFocused();
    await saveScreenshot('person-form');
    const firstName = `Quill${unique()}`;
    await page.getByLabel('First name').fill(firstName);
    await page.getByLabel('Last name').fill('Brontë');
    await page.getByRole('button', { name: 'Create person' }).click();
    await expect(page).toHaveURL(/\/people$/);

    // Search finds it by prefix.
    await page.getByLabel('Search by name').fill(firstName.slice(0, -1));
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(`${firstName}Brontë`);
    await expect(page.getByText('Showing 1 person.')).toBeVisible();

    // Edit.
    await page.getByRole('link', { name: `Edit ${firstName} Brontë` }).click();
    await expect(page).toHaveURL(/\/people\/\d+\/edit$/);
    await expect(page.getByLabel('First name')).toHaveValue(firstName);
    await page.getByLabel('Last name').fill("O'Hara");
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page).toHaveURL(/\/people$/);
    await page.getByLabel('Search by name').fill(firstName);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("O'Hara");

    await page.getByLabel('Search by name').fill(`Nobody${unique()}`);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('No one matches');
  });

  test('an admin deletes a person, only after confirming', async ({ page, saveScreenshot }) => {
    await page.goto('/login');
    await signIn(page, DEMO_ADMIN);
    const firstName = `Doomed${unique()}`;
    await page.getByRole('link', { name: 'New person' }).click();
    await page.getByLabel('First name').fill(firstName);
    await page.getByLabel('Last name').fill('Person');
    await page.getByRole('button', { name: 'Create person' }).click();
    await expect(page).toHaveURL(/\/people$/);
    await page.getByLabel('Search by name').fill(firstName);
    const rows = page.locator('tbody tr');
    await expect(rows).toHaveCount(1);

    const deleteButton = page.getByRole('button', { name: `Delete ${firstName} Person` });
    await expect(deleteButton).toBeEnabled();
    await deleteButton.click();
    const dialog = page.getByRole('dialog', { name: 'Delete person?' });
    await expect(dialog).toContainText(`Delete ${firstName} Person? This cannot be undone.`);
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await saveScreenshot('delete-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(firstName);

    await deleteButton.click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Deleted ${firstName} Person.` })).toBeVisible();
    await expect(rows.first()).toContainText('No one matches');
  });

  test('the layout works on a narrow screen', async ({ page, saveScreenshot }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await signUp(page, newAccount('narrow'));
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await expect(page.locator('tbody tr')).toHaveCount(20);
    // Nothing wider than the screen: the table scrolls inside its own box if it must.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await saveScreenshot('people-narrow');
  });
});
