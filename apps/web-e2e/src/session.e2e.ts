import { AUTH_COOKIES } from '@app/contracts';
import { expect, newAccount, recordUrls, signIn, signUp, test, waitForCookieExpiry, watchConsole } from './support/fixtures';

test.describe('the session', () => {
  test('silent refresh: after the access token expires, a view firing several calls at once just works, with one refresh', async ({
    page,
    context,
    serverLog,
    saveScreenshot,
  }) => {
    const account = newAccount('silent');
    await signUp(page, account);
    await waitForCookieExpiry(context, AUTH_COOKIES.access);

    const urls = recordUrls(page);
    const mark = serverLog.mark();
    // The account page asks for auth.me and auth.sessions at the same time.
    await page.getByRole('link', { name: 'Account' }).click();
    await expect(page.getByTestId('account-email')).toHaveText(account.email);
    await expect(page.getByText('This device')).toBeVisible();
    await saveScreenshot('account');

    // What the server saw: both calls refused once, exactly one refresh, both retried.
    await expect.poll(() => serverLog.requestsSince(mark, '/trpc/auth.me').map((r) => r.status)).toEqual([401, 200]);
    await expect.poll(() => serverLog.requestsSince(mark, '/trpc/auth.sessions').map((r) => r.status)).toEqual([401, 200]);
    expect(serverLog.requestsSince(mark, '/trpc/session/auth.refresh')).toEqual([{ method: 'POST', url: '/trpc/session/auth.refresh', status: 200 }]);

    // Once more on the people list, with a search.
    await waitForCookieExpiry(context, AUTH_COOKIES.access);
    const second = serverLog.mark();
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByLabel('Search by name').fill('Lovelace');
    await expect(page.locator('tbody tr')).toHaveCount(1);
    await expect(page.locator('tbody tr').first()).toContainText('Ada');
    await expect.poll(() => serverLog.requestsSince(second, '/trpc/people.list').at(-1)?.status).toBe(200);
    expect(serverLog.requestsSince(second, '/trpc/session/auth.refresh')).toHaveLength(1);

    expect(urls.filter((url) => url.includes('/login'))).toEqual([]);
  });

  test('a hard reload keeps the user signed in, even after the access token expired', async ({ page, context, serverLog }) => {
    const account = newAccount('reload');
    await signUp(page, account);
    await page.getByRole('link', { name: 'Account' }).click();
    await expect(page.getByTestId('account-email')).toHaveText(account.email);

    await page.reload();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByTestId('account-email')).toHaveText(account.email);

    await waitForCookieExpiry(context, AUTH_COOKIES.access);
    const mark = serverLog.mark();
    await page.reload();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByTestId('account-email')).toHaveText(account.email);
    expect(serverLog.requestsSince(mark, '/trpc/session/auth.refresh').map((r) => r.status)).toEqual([200]);
  });

  test('signing out in one tab signs out the other tab', async ({ page, context }) => {
    await signUp(page, newAccount('tabs'));
    const secondTab = await context.newPage();
    const secondTabConsole = watchConsole(secondTab);
    await secondTab.goto('/account');
    await expect(secondTab.getByRole('heading', { name: 'Account' })).toBeVisible();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    // The second tab follows by itself, remembering where it was.
    await expect(secondTab).toHaveURL(/\/login\?returnUrl=%2Faccount$/);
    await expect(secondTab.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await secondTab.reload();
    await expect(secondTab).toHaveURL(/\/login\?returnUrl=%2Faccount$/);
    expect(secondTabConsole.problems()).toEqual([]);
  });

  test('revoking a session on the account page sends that device to login on its next call', async ({ page, otherDevice, serverLog }) => {
    const account = newAccount('revoke');
    await signUp(page, account);
    const other = await otherDevice();
    await other.goto('/login');
    await signIn(other, account);

    await page.getByRole('link', { name: 'Account' }).click();
    const sessionRows = page.getByRole('table', { name: 'Your sessions' }).locator('tbody tr');
    await expect(sessionRows).toHaveCount(2);
    await expect(sessionRows.filter({ hasText: 'This device' })).toHaveCount(1);
    await expect(sessionRows.first()).toContainText('Chrome on Linux');
    await page.getByRole('button', { name: /^Revoke session/ }).click();
    await page.getByRole('dialog', { name: 'Sign out?' }).getByRole('button', { name: 'Sign out' }).click();
    await expect(sessionRows).toHaveCount(1);
    await expect(page.getByRole('status').filter({ hasText: 'Signed out Chrome on Linux.' })).toBeVisible();

    const mark = serverLog.mark();
    await other.getByRole('link', { name: 'Account' }).click();
    await expect(other).toHaveURL(/\/login\?returnUrl=%2Faccount$/);
    expect(serverLog.requestsSince(mark, '/trpc/session/auth.refresh').map((r) => r.status)).toEqual([401]);
    // This device is untouched.
    await page.reload();
    await expect(page.getByTestId('account-email')).toHaveText(account.email);
  });

  test('sign out everywhere ends every session of the user', async ({ page, otherDevice }) => {
    const account = newAccount('everywhere');
    await signUp(page, account);
    const other = await otherDevice();
    await other.goto('/login');
    await signIn(other, account);

    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByRole('dialog', { name: 'Sign out?' }).getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);

    await other.getByRole('link', { name: 'Account' }).click();
    await expect(other).toHaveURL(/\/login\?returnUrl=%2Faccount$/);
  });
});
