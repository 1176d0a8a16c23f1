import { DEMO_ADMIN, expect, newAccount, signIn, signUp, test, VIEWPORTS } from './support/fixtures';

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

for (const viewport of VIEWPORTS) {
  test.describe(`people (${viewport.name})`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height } });

    test('a user pages, searches, creates and edits people, and sees no delete button', async ({ page, saveScreenshot }) => {
      await signUp(page, newAccount(`people-${viewport.name}`));
      const rows = page.locator('tbody tr');
      await expect(rows).toHaveCount(20);
      await expect(page.getByText('Showing 20 people; more to load.')).toBeVisible();
      await page.getByRole('button', { name: 'Load more' }).click();
      await expect.poll(() => rows.count()).toBeGreaterThan(20);
      await expect(rows.nth(20)).toBeFocused(); // the first new row, not <body>
      await expect(page.getByRole('button', { name: /^Delete/ })).toHaveCount(0);
      await saveScreenshot(`people-user-${viewport.name}`);

      // Create, checked first by the shared schema in the browser.
      await page.getByRole('link', { name: 'New person' }).click();
      await expect(page).toHaveURL(/\/people\/new$/);
      await page.getByRole('button', { name: 'Create person' }).click();
      await expect(page.locator('#person-first-name-errors')).toHaveText('First name is required');
      await expect(page.locator('#person-last-name-errors')).toHaveText('Last name is required');
      await expect(page.getByLabel('First name')).toBeFocused();
      await saveScreenshot(`person-form-${viewport.name}`);
      const firstName = `Quill${unique()}`;
      await page.getByLabel('First name').fill(firstName);
      await page.getByLabel('Last name').fill('Brontë');
      await page.getByRole('button', { name: 'Create person' }).click();
      // Back on the list, told so, with the new row in view (on top: it sorts beyond the first page) and focused.
      await expect(page).toHaveURL(/\/people$/);
      await expect(page.getByRole('status').filter({ hasText: `Added ${firstName} Brontë.` })).toBeVisible();
      const added = rows.filter({ hasText: firstName });
      await expect(added).toHaveCount(1);
      await expect(added).toContainText('New');
      await expect(added).toBeFocused();

      // Search finds it by prefix; the search is in the address.
      await page.getByLabel('Search by name').fill(firstName.slice(0, -1));
      await expect(page).toHaveURL(new RegExp(`/people\\?q=${firstName.slice(0, -1)}$`));
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText(firstName);
      await expect(rows.first()).toContainText('Brontë');
      await expect(page.getByText('Showing 1 person.')).toBeVisible();

      // Edit: saving says so and comes back to the same search, the row updated in place.
      await page.getByRole('link', { name: `Edit ${firstName} Brontë` }).click();
      await expect(page).toHaveURL(/\/people\/\d+\/edit$/);
      await expect(page.getByLabel('First name')).toHaveValue(firstName);
      await page.getByLabel('Last name').fill("O'Hara");
      await page.getByRole('button', { name: 'Save changes' }).click();
      await expect(page).toHaveURL(new RegExp(`/people\\?q=${firstName.slice(0, -1)}$`));
      await expect(page.getByRole('status').filter({ hasText: `Saved ${firstName} O'Hara.` })).toBeVisible();
      await expect(page.getByLabel('Search by name')).toHaveValue(firstName.slice(0, -1));
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText("O'Hara");
      await expect(rows.first()).toContainText('Saved');

      // The back button goes back through the pages with their searches.
      await page.goBack();
      await expect(page).toHaveURL(/\/people\/\d+\/edit$/);
      await page.goBack();
      await expect(page).toHaveURL(new RegExp(`/people\\?q=${firstName.slice(0, -1)}$`));
      await expect(page.getByLabel('Search by name')).toHaveValue(firstName.slice(0, -1));
      await expect(rows.first()).toContainText("O'Hara");

      await page.getByLabel('Search by name').fill(`Nobody${unique()}`);
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText('No one matches');
      await page.getByRole('button', { name: 'Clear search' }).click();
      await expect(page).toHaveURL(/\/people$/);
      await expect(rows).toHaveCount(20);
      await expect(page.getByLabel('Search by name')).toBeFocused();
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
      await saveScreenshot(`delete-confirm-${viewport.name}`);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect(dialog).toBeHidden();
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText(firstName);

      await deleteButton.click();
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await expect(page.getByRole('status').filter({ hasText: `Deleted ${firstName} Person.` })).toBeVisible();
      await expect(rows.first()).toContainText('No one matches');
      // The button that had focus is gone with its row: focus goes back to the search, not to <body>.
      await expect(page.getByLabel('Search by name')).toBeFocused();
    });

    test('the first page shows placeholder rows; a search keeps the rows on screen with progress in place', async ({ page }) => {
      let hold = true;
      const held: (() => Promise<void>)[] = [];
      await page.route('**/trpc/people.list**', async (route) => {
        if (hold) held.push(() => route.continue());
        else await route.continue();
      });
      await signUp(page, newAccount(`placeholders-${viewport.name}`));
      const rows = page.locator('tbody tr');
      // First load: the table has its shape already, with placeholders hidden from screen readers.
      await expect(page.locator('tbody tr.skeleton[aria-hidden="true"]')).toHaveCount(8);
      await expect.poll(() => held.length).toBe(1);
      await held.shift()?.();
      await expect(rows).toHaveCount(20);

      await page.getByLabel('Search by name').fill('Hopper');
      await expect(page.getByRole('status').filter({ hasText: 'Searching…' })).toBeVisible();
      await expect(rows).toHaveCount(20); // the previous rows stay: no "Loading…" flicker
      await expect(page.locator('tbody tr.skeleton')).toHaveCount(0);
      await expect.poll(() => held.length).toBe(1);
      hold = false;
      await held.shift()?.();
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText('Grace');
      await expect(page.getByRole('status').filter({ hasText: 'Searching…' })).toHaveCount(0);
    });

    test('an unknown address says which, and offers the ways on', async ({ page }) => {
      await signUp(page, newAccount(`lost-${viewport.name}`));
      await page.goto('/people');
      await page.goto('/no/such/page');
      await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
      await expect(page.getByText('There is nothing at /no/such/page')).toBeVisible();
      await expect(page).toHaveTitle('Page not found · Authstack');
      await page.getByRole('button', { name: 'Go back' }).click();
      await expect(page).toHaveURL(/\/people$/);
      await page.goForward();
      await page.getByRole('link', { name: 'Go to people' }).click();
      await expect(page.locator('tbody tr')).toHaveCount(20);
    });

    test('search ignores case and accents: “zoe” finds “Zoë”', async ({ page }) => {
      await signUp(page, newAccount(`accents-${viewport.name}`));
      const lastName = `Quill${unique()}`;
      await page.getByRole('link', { name: 'New person' }).click();
      await page.getByLabel('First name').fill('Zoë');
      await page.getByLabel('Last name').fill(lastName);
      await page.getByRole('button', { name: 'Create person' }).click();
      await expect(page).toHaveURL(/\/people$/);
      await page.getByLabel('Search by name').fill(`zoe ${lastName.toLowerCase()}`);
      const rows = page.locator('tbody tr');
      await expect(rows).toHaveCount(1);
      await expect(rows.first()).toContainText('Zoë');
    });
  });
}

test.describe('people', () => {
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
