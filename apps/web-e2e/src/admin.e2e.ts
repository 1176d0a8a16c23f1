import { DEMO_ADMIN, DEMO_USER, expect, newAccount, signIn, signUp, test } from './support/fixtures';

test.describe('admin', () => {
  test('a user is "not allowed" on the admin page and stays signed in', async ({ page, saveScreenshot }) => {
    await page.goto('/login');
    await signIn(page, DEMO_USER);
    await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);
    await page.goto('/admin/users');
    await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
    await expect(page.getByTestId('current-user')).toHaveText(DEMO_USER.email);
    await saveScreenshot('not-allowed');
  });

  test('an admin changes a user’s role; that user is signed out and returns with the new role', async ({ page, otherDevice, saveScreenshot }) => {
    const account = newAccount('promote');
    const userPage = await otherDevice();
    await signUp(userPage, account);

    await page.goto('/login');
    await signIn(page, DEMO_ADMIN);
    await page.getByRole('link', { name: 'Users' }).click();
    await expect(page).toHaveURL(/\/admin\/users$/);
    // Their own role is locked, and the row says why.
    const ownRole = page.getByLabel(`Role of ${DEMO_ADMIN.email}`);
    await expect(ownRole).toBeDisabled();
    await expect(ownRole).toHaveAccessibleDescription(/Your own role can’t be changed here/);
    const select = page.getByLabel(`Role of ${account.email}`);
    const loadMore = page.getByRole('button', { name: 'Load more' });
    while ((await select.count()) === 0 && (await loadMore.count()) > 0) await loadMore.click();
    await expect(select).toHaveValue('user');
    // A role change signs that user out everywhere: the app asks first, and Cancel changes nothing.
    await select.selectOption('admin');
    const dialog = page.getByRole('dialog', { name: 'Change role?' });
    await expect(dialog).toContainText(`Make ${account.email} an admin? They will be signed out on every device`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(select).toHaveValue('user');
    await select.selectOption('admin');
    await dialog.getByRole('button', { name: 'Change role' }).click();
    await expect(page.getByRole('status').filter({ hasText: `${account.email} is now an admin` })).toBeVisible();
    await expect(select).toHaveValue('admin');
    await expect(select).toBeFocused();
    await saveScreenshot('admin-users');

    // The role change revoked the user's sessions: their next call leads to login, then to the new role.
    await userPage.getByRole('link', { name: 'Account' }).click();
    await expect(userPage).toHaveURL(/\/login\?returnUrl=%2Faccount$/);
    await signIn(userPage, account, /\/account$/);
    await expect(userPage.getByRole('link', { name: 'Users' })).toBeVisible();
  });
});
