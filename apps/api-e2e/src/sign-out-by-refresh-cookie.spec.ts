import { AppErrorCode, AUTH_COOKIES, type AuthResult, ErrorMessages } from '@app/contracts';
import {
  BrowserLikeClient,
  type CallResult,
  logIn,
  sessionIdOf,
  signUp,
  sleep,
  startTestServer,
  testConfig,
  type TestServer,
  testDbKind,
  trpcMutation,
  trpcQuery,
} from '@app/server-testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrongRefreshTokens } from './support/aged-session';
import { digestTables } from './support/table-snapshot';

/**
 * Signing out must end the server's session even when the access token has expired or a refresh
 * fails: a browser's refresh cookie is scoped to `/trpc/session`, where the web app sends both
 * `auth.refresh` and `auth.logout`, and the server ends the session a *genuine* refresh cookie
 * names. A wrong cookie must end nothing and say nothing, a cross-site request must not be able
 * to sign anyone out, and the cookie's path must not open any other procedure.
 */
const ACCESS_TTL_MS = 1_000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { accessTokenTtlMs: ACCESS_TTL_MS } });
});
afterAll(async () => {
  await server?.close();
});

async function isLive(sessionId: string): Promise<boolean> {
  const { rows } = await sql<{ live: boolean }>`select revoked_at is null and expires_at > now() as live from sessions where id = ${sessionId}`.execute(server.services.db);
  return rows[0]?.live === true;
}

async function liveSessionsOf(userId: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*)::text as n from sessions where user_id = ${userId} and revoked_at is null`.execute(server.services.db);
  return Number(rows[0]?.n);
}

/** A browser signed in (cookies only), with its refresh token's value and session id. */
async function signedInBrowser(target: TestServer = server) {
  const account = await signUp(target);
  const browser = new BrowserLikeClient(target.url);
  const login = await browser.mutation<AuthResult>('auth.login', { email: account.email, password: account.password });
  expect(login.status, login.text).toBe(200);
  const refreshToken = browser.cookie(AUTH_COOKIES.refresh)?.value ?? '';
  expect(refreshToken).not.toBe('');
  return { account, browser, refreshToken, sessionId: sessionIdOf(refreshToken), accessExpiresAt: Date.parse(login.data.accessTokenExpiresAt) };
}

/** Waits until an access token issued with `expiresAt` has expired. */
async function outlive(expiresAt: number): Promise<void> {
  await sleep(Math.max(0, expiresAt - Date.now()) + 150);
}

/** `auth.logout` as the web app sends it, with exactly these cookies and headers. */
function logoutWith(cookie: string, input: unknown = {}, headers: Record<string, string> = { origin: server.url, 'sec-fetch-site': 'same-origin' }) {
  return trpcMutation(server.url, 'session/auth.logout', input, { cookie, headers });
}

const refreshBy = (refreshToken: string) => trpcMutation<AuthResult>(server.url, 'auth.refresh', { refreshToken });

function expectClearsCookies(res: CallResult): void {
  expect(res.cookies.map((cookie) => [cookie.name, cookie.value]).sort()).toEqual([
    [AUTH_COOKIES.access, ''],
    [AUTH_COOKIES.refresh, ''],
  ]);
}

describe(`signing out with an expired access token (${testDbKind()})`, () => {
  it('the genuine refresh cookie ends the session in one call; the cookies are cleared and the refresh token is refused after', async () => {
    const { browser, refreshToken, sessionId, accessExpiresAt } = await signedInBrowser();
    await outlive(accessExpiresAt);
    // The browser still sends its (expired) access cookie along with the refresh cookie.
    expect((await browser.query('auth.me')).status).toBe(401);
    const res = await browser.mutation('auth.logout', {});
    expect(res.status, res.text).toBe(200);
    expectClearsCookies(res);
    expect(await isLive(sessionId)).toBe(false);
    const after = await refreshBy(refreshToken);
    expect(after.status).toBe(401);
    expect(after.error?.data.appCode).toBe(AppErrorCode.RefreshInvalid);
    // Idempotent: the same cookie again signs out (nothing is left to end).
    expect((await logoutWith(`${AUTH_COOKIES.refresh}=${refreshToken}`)).status).toBe(200);
  });

  it('with only the refresh cookie (the browser has dropped the expired access cookie), and with allDevices every session of the user ends', async () => {
    const { account, refreshToken, sessionId, accessExpiresAt } = await signedInBrowser();
    const phone = await logIn(server, account);
    expect(await liveSessionsOf(account.user.id)).toBe(3);
    await outlive(accessExpiresAt);
    const res = await logoutWith(`${AUTH_COOKIES.refresh}=${refreshToken}`, { allDevices: true });
    expect(res.status, res.text).toBe(200);
    expectClearsCookies(res);
    expect(await isLive(sessionId)).toBe(false);
    expect(await liveSessionsOf(account.user.id)).toBe(0);
    expect((await refreshBy(phone.refreshToken)).status).toBe(401);
  });

  it('even when the refresh fails (rate-limited), signing out still ends the session', async () => {
    const limited = await startTestServer({
      kind: server.kind,
      config: { accessTokenTtlMs: ACCESS_TTL_MS, rateLimits: { ...testConfig().rateLimits, refreshPerIp: { max: 1, windowMs: 60_000 } } },
    });
    try {
      const { browser, refreshToken, sessionId, accessExpiresAt } = await signedInBrowser(limited);
      await outlive(accessExpiresAt);
      expect((await trpcMutation(limited.url, 'auth.refresh', { refreshToken: 'garbage' })).status).toBe(401);
      const refresh = await browser.mutation('auth.refresh');
      expect(refresh.status, refresh.text).toBe(429);
      expect(browser.cookie(AUTH_COOKIES.refresh)?.value).toBe(refreshToken);
      const res = await browser.mutation('auth.logout', {});
      expect(res.status, res.text).toBe(200);
      const { rows } = await sql<{ revoked: boolean }>`select revoked_at is not null as revoked from sessions where id = ${sessionId}`.execute(limited.services.db);
      expect(rows[0]?.revoked).toBe(true);
    } finally {
      await limited.close();
    }
  });

  it('a genuine but rotated-away refresh token is reuse: it ends its own session, never the user’s others, whatever allDevices says', async () => {
    const { account, refreshToken, sessionId, accessExpiresAt } = await signedInBrowser();
    const other = await logIn(server, account);
    const rotated = await refreshBy(refreshToken);
    expect(rotated.status).toBe(200);
    await refreshBy(rotated.data.refreshToken ?? ''); // two rotations on: the first token is plain reuse
    await outlive(accessExpiresAt);
    expect((await logoutWith(`${AUTH_COOKIES.refresh}=${refreshToken}`, { allDevices: true })).status).toBe(200);
    expect(await isLive(sessionId)).toBe(false);
    expect(await isLive(sessionIdOf(other.refreshToken))).toBe(true);
  });
});

describe(`a wrong refresh cookie ends nothing and tells nothing (${testDbKind()})`, () => {
  it('garbage, forged and altered cookies with an expired access token: 401 with the one message, no row changed, the session still works', async () => {
    const { account, refreshToken, sessionId, accessExpiresAt } = await signedInBrowser();
    const stranger = await signedInBrowser();
    const other = await logIn(server, account);
    await outlive(Math.max(accessExpiresAt, stranger.accessExpiresAt));
    const [, , secret = '', tag = ''] = refreshToken.split('.');
    const wrong: [string, string][] = [
      ...wrongRefreshTokens(refreshToken, stranger.refreshToken),
      ['an access token', other.accessToken],
      ['10 KB', 'x'.repeat(10_000)],
    ];
    const before = await digestTables(server.services.db);
    for (const [what, value] of wrong) {
      for (const input of [{}, { allDevices: true }]) {
        const res = await logoutWith(`${AUTH_COOKIES.refresh}=${encodeURIComponent(value)}`, input);
        expect(res.status, `${what}: ${res.text}`).toBe(401);
        expect(res.error?.message, what).toBe(ErrorMessages.unauthenticated);
        expect(res.error?.data.appCode, what).toBe(AppErrorCode.Unauthenticated);
        for (const secretPart of [sessionId, secret, tag, stranger.sessionId]) expect(res.text, what).not.toContain(secretPart);
      }
    }
    expect(await digestTables(server.services.db)).toEqual(before);
    expect(await isLive(sessionId)).toBe(true);
    expect(await isLive(stranger.sessionId)).toBe(true);
    expect((await refreshBy(refreshToken)).status).toBe(200);
    expect((await refreshBy(other.refreshToken)).status).toBe(200);
  });
});

describe(`sign-out by the refresh cookie keeps the CSRF guard (${testDbKind()})`, () => {
  it('a cross-site or unproven request riding on the genuine cookies is refused and ends nothing', async () => {
    const { browser, refreshToken, sessionId, accessExpiresAt } = await signedInBrowser();
    const access = browser.cookie(AUTH_COOKIES.access)?.value ?? '';
    await outlive(accessExpiresAt);
    const cookies = [`${AUTH_COOKIES.refresh}=${refreshToken}`, `${AUTH_COOKIES.access}=${access}; ${AUTH_COOKIES.refresh}=${refreshToken}`];
    const crossSite: [string, Record<string, string>][] = [
      ['a foreign Origin', { origin: 'https://evil.example' }],
      ['a foreign Origin claiming same-origin', { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }],
      ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
      ['Sec-Fetch-Site: same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
      ['no Origin and no Fetch Metadata', {}],
    ];
    const before = await digestTables(server.services.db);
    for (const cookie of cookies) {
      for (const [what, headers] of crossSite) {
        const res = await logoutWith(cookie, { allDevices: true }, headers);
        expect(res.status, `${what}: ${res.text}`).toBe(403);
        expect(res.error?.data.appCode, what).toBe(AppErrorCode.CrossSiteRequest);
        expect(res.cookies, what).toEqual([]);
      }
    }
    expect(await digestTables(server.services.db)).toEqual(before);
    expect(await isLive(sessionId)).toBe(true);
  });

  it('the cookie’s path opens only auth.refresh and auth.logout: any other call under it, or any other deeper path, is 404 and runs nothing', async () => {
    const { browser, refreshToken } = await signedInBrowser();
    const access = browser.cookie(AUTH_COOKIES.access)?.value ?? '';
    const cookie = `${AUTH_COOKIES.access}=${access}; ${AUTH_COOKIES.refresh}=${refreshToken}`;
    const headers = { origin: server.url, 'sec-fetch-site': 'same-origin' };
    const before = await digestTables(server.services.db);
    for (const path of ['session/people.create', 'session/auth.signup', 'session/auth.refresh,auth.logout', 'other/auth.logout', 'session/x/auth.logout', 'auth.refresh/auth.logout']) {
      const res = await trpcMutation(server.url, path, { firstName: 'Via', lastName: 'Session' }, { cookie, headers });
      expect(res.status, `${path}: ${res.text}`).toBe(404);
      expect(res.error?.data.appCode, path).toBe(AppErrorCode.NotFound);
    }
    const query = await trpcQuery(server.url, 'session/auth.me', undefined, { cookie, headers });
    expect(query.status, query.text).toBe(404);
    expect(await digestTables(server.services.db)).toEqual(before);
  });
});
