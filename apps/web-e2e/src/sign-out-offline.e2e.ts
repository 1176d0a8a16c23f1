import { request as playwrightRequest, type BrowserContext, type Page } from '@playwright/test';
import { AUTH_COOKIES } from '@app/contracts';
import { expectNoSecretsInStorage, expect, NETWORK_FAILURE_CONSOLE, newAccount, signUp, test, VIEWPORTS, waitForCookieExpiry } from './support/fixtures';

/** The session's cookies as the browser holds them now (to try them on the server later). */
async function sessionCookies(context: BrowserContext): Promise<string> {
  const cookies = await context.cookies();
  const refresh = cookies.find((cookie) => cookie.name === AUTH_COOKIES.refresh);
  if (!refresh) throw new Error('no refresh cookie');
  return `${refresh.name}=${refresh.value}`;
}

/** What the server says to the refresh token the browser held: 401 once the session is revoked. */
async function refreshStatus(baseURL: string, cookie: string): Promise<number> {
  const api = await playwrightRequest.newContext({ baseURL });
  try {
    const response = await api.post('/trpc/session/auth.refresh', { headers: { cookie, origin: baseURL, 'content-type': 'application/json' }, data: {} });
    return response.status();
  } finally {
    await api.dispose();
  }
}

/** Every API call fails as if the server were down (the app's own files still load). */
const serverDown = (page: Page) => page.route('**/trpc/**', (route) => route.abort('connectionrefused'));

const waitingNotice = /Signed out on this device\. The server can’t be reached right now/;

for (const viewport of VIEWPORTS) {
  test.describe(`signing out while the server is unreachable (${viewport.name})`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height }, consoleAllowed: NETWORK_FAILURE_CONSOLE });

    test('signs out here at once, tells the other tabs and the user, and ends the session on the server when it is back', async ({
      page,
      context,
      baseURL,
      serverLog,
      saveScreenshot,
    }) => {
      await signUp(page, newAccount(`offline-out-${viewport.name}`));
      const cookie = await sessionCookies(context);
      const otherTab = await context.newPage();
      await otherTab.goto('/account');
      await expect(otherTab.getByRole('heading', { name: 'Account' })).toBeVisible();

      await serverDown(page);
      await serverDown(otherTab);
      const beforeSignOut = serverLog.mark();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect(page).toHaveURL(/\/login$/);
      await expect(page.getByRole('status').filter({ hasText: waitingNotice })).toBeVisible();
      await saveScreenshot(`sign-out-pending-${viewport.name}`);
      // What is kept meanwhile is no secret: the cookies' values appear nowhere in storage.
      expect(await expectNoSecretsInStorage(page, context, [cookie.split('=')[1] ?? ''])).toContain('app.session.pendingSignOut');
      await expect(otherTab).toHaveURL(/\/login\?returnUrl=%2Faccount$/);

      // A reload while the server is still down stays signed out, and asks nobody who is signed in.
      const asked: string[] = [];
      page.on('request', (request) => asked.push(new URL(request.url()).pathname));
      await page.reload();
      await page.goto('/people');
      await expect(page).toHaveURL(/\/login\?returnUrl=%2Fpeople$/);
      await expect(page.getByRole('status').filter({ hasText: waitingNotice })).toBeVisible();
      expect(asked.filter((path) => path === '/trpc/auth.me')).toEqual([]);
      expect(serverLog.requestsSince(beforeSignOut, '/trpc/session/auth.logout')).toEqual([]); // the server has not heard yet

      // The server is back: the app finishes the sign-out by itself (retrying with back-off).
      const mark = serverLog.mark();
      await page.unrouteAll();
      await otherTab.unrouteAll();
      await expect(page.getByRole('status').filter({ hasText: 'You have signed out.' })).toBeVisible({ timeout: 40_000 });
      // The server writes its log line after answering: wait for it rather than read it at once.
      await expect.poll(() => serverLog.requestsSince(mark, '/trpc/session/auth.logout').map((r) => r.status)).toContain(200);
      // The session is revoked on the server: the refresh token the browser held is refused.
      expect(await refreshStatus(baseURL ?? '', cookie)).toBe(401);
      await page.reload();
      await page.goto('/account');
      await expect(page).toHaveURL(/\/login\?returnUrl=%2Faccount$/);
    });

    test('finishes as soon as the browser is back online', async ({ page, context, baseURL, serverLog }) => {
      await signUp(page, newAccount(`online-out-${viewport.name}`));
      const cookie = await sessionCookies(context);
      await context.setOffline(true);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect(page).toHaveURL(/\/login$/);
      await expect(page.getByRole('status').filter({ hasText: waitingNotice })).toBeVisible();
      const mark = serverLog.mark();
      await context.setOffline(false);
      await expect(page.getByRole('status').filter({ hasText: 'You have signed out.' })).toBeVisible();
      await expect.poll(() => serverLog.requestsSince(mark, '/trpc/session/auth.logout').map((r) => r.status)).toEqual([200]);
      expect(await refreshStatus(baseURL ?? '', cookie)).toBe(401);
    });

    test('a sign-out left pending when the tab was closed is sent on the next start, after the access token has expired', async ({ page, context, baseURL, serverLog }) => {
      await signUp(page, newAccount(`restart-out-${viewport.name}`));
      const cookie = await sessionCookies(context);
      await serverDown(page);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expect(page.getByRole('status').filter({ hasText: waitingNotice })).toBeVisible();
      await page.close();
      // No tab is open to renew it: the browser drops the access cookie, and only the refresh cookie is left.
      await waitForCookieExpiry(context, AUTH_COOKIES.access);

      const mark = serverLog.mark();
      const next = await context.newPage();
      await next.goto('/people');
      await expect(next).toHaveURL(/\/login\?returnUrl=%2Fpeople$/);
      await expect.poll(() => serverLog.requestsSince(mark, '/trpc/session/auth.logout').map((r) => r.status)).toEqual([200]);
      // One call: the refresh cookie reached auth.logout and identified the session; no refresh first.
      expect(serverLog.requestsSince(mark, '/trpc/session/auth.refresh')).toEqual([]);
      expect(serverLog.requestsSince(mark, '/trpc/auth.me')).toEqual([]);
      expect(await refreshStatus(baseURL ?? '', cookie)).toBe(401);
    });
  });
}
