import { AppErrorCode, AUTH_COOKIES, type AuthResult, PLAIN_AUTH_COOKIES } from '@app/contracts';
import {
  BrowserLikeClient,
  type CallResult,
  logIn,
  signUp,
  startTestServer,
  type TestServer,
  testDbKind,
  trpcMutation,
  trpcQuery,
} from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestTables } from './support/table-snapshot';

/**
 * A sibling subdomain can set cookies for the parent domain, so it could plant a cookie of its
 * choosing (its own session, to log the victim into the attacker's account) under a name the
 * server reads. The session cookies therefore carry the browser-enforced prefixes: `__Host-` for
 * the access cookie (Secure, Path=/, no Domain: only this host can set it) and `__Secure-` for the
 * path-scoped refresh cookie. The server reads nothing else: planted unprefixed or wrongly
 * prefixed cookies, even holding genuine tokens, are ignored.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const sameOrigin = () => ({ origin: server.url, 'sec-fetch-site': 'same-origin' });

describe(`session cookies carry the __Host- and __Secure- prefixes (${testDbKind()})`, () => {
  it('login, refresh and change of password set exactly __Host-access_token (Secure, Path=/, no Domain) and __Secure-refresh_token (Secure, its path, no Domain)', async () => {
    const account = await signUp(server);
    const browser = new BrowserLikeClient(server.url);
    const answers: [string, CallResult][] = [['login', await browser.mutation('auth.login', { email: account.email, password: account.password })]];
    answers.push(['refresh', await browser.mutation('auth.refresh')]);
    answers.push(['change of password', await browser.mutation('auth.changePassword', { currentPassword: account.password, newPassword: `${account.password}Z` })]);
    for (const [what, res] of answers) {
      expect(res.status, `${what}: ${res.text}`).toBe(200);
      expect(res.cookies.map((cookie) => cookie.name).sort(), what).toEqual([AUTH_COOKIES.access, AUTH_COOKIES.refresh].sort());
      for (const header of res.headers.getSetCookie()) expect(header, what).not.toMatch(/;\s*domain=/i);
      const access = res.cookies.find((cookie) => cookie.name === AUTH_COOKIES.access);
      const refresh = res.cookies.find((cookie) => cookie.name === AUTH_COOKIES.refresh);
      expect(access, what).toMatchObject({ secure: true, httpOnly: true, path: '/', sameSite: 'Strict' });
      expect(refresh, what).toMatchObject({ secure: true, httpOnly: true, path: AUTH_COOKIES.refreshPath, sameSite: 'Strict' });
    }
    expect(AUTH_COOKIES.access.startsWith('__Host-')).toBe(true);
    expect(AUTH_COOKIES.refresh.startsWith('__Secure-')).toBe(true);
  });
});

describe(`planted cookies are ignored (${testDbKind()})`, () => {
  it('genuine tokens under unprefixed or wrongly prefixed names authenticate nothing: reads and writes are 401, refresh is refused and rotates nothing', async () => {
    const account = await signUp(server);
    const session = await logIn(server, account);
    const accessNames = ['access_token', '__Secure-access_token', '__host-access_token', '__HOST-access_token', '__Host-access_token_', '__Host-Access_token', 'Host-access_token', '__Host-refresh_token'];
    const refreshNames = ['refresh_token', '__Host-refresh_token', '__secure-refresh_token', '__SECURE-refresh_token', '__Secure-Refresh_token', 'Secure-refresh_token', '__Secure-access_token'];
    const before = await digestTables(server.services.db);
    for (const name of accessNames) {
      const cookie = `${name}=${session.accessToken}`;
      const me = await trpcQuery(server.url, 'auth.me', undefined, { cookie, headers: sameOrigin() });
      expect(me.status, `${name}: ${me.text}`).toBe(401);
      expect(me.error?.data.appCode, name).toBe(AppErrorCode.Unauthenticated);
      const write = await trpcMutation(server.url, 'people.create', { firstName: 'Planted', lastName: 'Cookie' }, { cookie, headers: sameOrigin() });
      expect(write.status, `${name}: ${write.text}`).toBe(401);
    }
    for (const name of refreshNames) {
      const res = await trpcMutation<AuthResult>(server.url, 'session/auth.refresh', undefined, { cookie: `${name}=${session.refreshToken}`, headers: sameOrigin() });
      expect(res.status, `${name}: ${res.text}`).toBe(401);
      expect(res.error?.data.appCode, name).toBe(AppErrorCode.RefreshInvalid);
      const logout = await trpcMutation(server.url, 'session/auth.logout', {}, { cookie: `${name}=${session.refreshToken}`, headers: sameOrigin() });
      expect(logout.status, `${name}: ${logout.text}`).toBe(401);
    }
    expect(await digestTables(server.services.db)).toEqual(before);
    // The tokens themselves were fine all along.
    expect((await trpcQuery(server.url, 'auth.me', undefined, { cookie: `${AUTH_COOKIES.access}=${session.accessToken}`, headers: sameOrigin() })).status).toBe(200);
  });

  it('a planted cookie of the attacker’s session beside the victim’s real one never wins, in either order', async () => {
    const victim = await signUp(server);
    const attacker = await signUp(server);
    const real = `${AUTH_COOKIES.access}=${victim.accessToken}`;
    for (const planted of [`access_token=${attacker.accessToken}`, `__Secure-access_token=${attacker.accessToken}`, `__host-access_token=${attacker.accessToken}`]) {
      for (const cookie of [`${planted}; ${real}`, `${real}; ${planted}`]) {
        const me = await trpcQuery<{ email: string }>(server.url, 'auth.me', undefined, { cookie, headers: sameOrigin() });
        expect(me.status, `${cookie}: ${me.text}`).toBe(200);
        expect(me.data.email).toBe(victim.email);
      }
    }
    const realRefresh = `${AUTH_COOKIES.refresh}=${victim.refreshToken}`;
    const res = await trpcMutation<AuthResult>(server.url, 'session/auth.refresh', undefined, { cookie: `refresh_token=${attacker.refreshToken}; ${realRefresh}`, headers: sameOrigin() });
    expect(res.status, res.text).toBe(200);
    expect(res.data.user.email).toBe(victim.email);
  });
});

describe(`COOKIE_SECURE=false (plain-http development off localhost) (${testDbKind()})`, () => {
  it('uses the plain names without Secure (browsers refuse prefixed names without it) and reads only those', async () => {
    const plain = await startTestServer({ kind: server.kind, config: { cookieSecure: false } });
    try {
      const account = await signUp(plain);
      const browser = new BrowserLikeClient(plain.url);
      const res = await browser.mutation('auth.login', { email: account.email, password: account.password });
      expect(res.status, res.text).toBe(200);
      expect(res.cookies.map((cookie) => [cookie.name, cookie.secure]).sort()).toEqual([
        [PLAIN_AUTH_COOKIES.access, false],
        [PLAIN_AUTH_COOKIES.refresh, false],
      ]);
      expect((await browser.query('auth.me')).status).toBe(200);
      expect((await browser.mutation('auth.refresh')).status).toBe(200);
      const prefixed = await trpcQuery(plain.url, 'auth.me', undefined, { cookie: `${AUTH_COOKIES.access}=${account.accessToken}`, headers: { origin: plain.url } });
      expect(prefixed.status).toBe(401);
    } finally {
      await plain.close();
    }
  });
});
