import { AppErrorCode, AUTH_COOKIES, type BearerAuthResult, ErrorMessages, type Session, type User } from '@app/contracts';
import {
  BrowserLikeClient,
  claimsOf,
  logIn,
  sessionIdOf,
  signUp,
  startTestServer,
  strongPassword,
  type TestServer,
  trpcMutation,
  trpcQuery,
  uniqueEmail,
} from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countUsersWithEmail, expectError, expectNoLeak } from './support';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('signup', () => {
  it('creates a user, starts a session and returns both tokens to a bearer client', async () => {
    const email = uniqueEmail();
    const res = await trpcMutation<BearerAuthResult>(server.url, 'auth.signup', { email, password: strongPassword() });
    expect(res.status, res.text).toBe(200);
    expect(res.data.user).toEqual({ id: expect.stringMatching(UUID), email, role: 'user', emailVerified: false });
    expect(Object.keys(res.data).sort()).toEqual(['accessToken', 'accessTokenExpiresAt', 'refreshToken', 'refreshTokenExpiresAt', 'user']);
    expect(res.data.refreshToken).toMatch(/^[0-9a-f-]{36}\.0\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    const claims = claimsOf(res.data.accessToken);
    expect(claims).toMatchObject({ sub: res.data.user.id, sid: sessionIdOf(res.data.refreshToken), role: 'user' });

    const accessMs = Date.parse(res.data.accessTokenExpiresAt) - Date.now();
    expect(accessMs).toBeGreaterThan(14 * 60_000);
    expect(accessMs).toBeLessThanOrEqual(15 * 60_000 + 1_000);
    const refreshMs = Date.parse(res.data.refreshTokenExpiresAt) - Date.now();
    expect(refreshMs).toBeGreaterThan(29.9 * 24 * 3_600_000);
    expect(refreshMs).toBeLessThanOrEqual(30 * 24 * 3_600_000);
    expectNoLeak(res.text);

    const sessions = await trpcQuery<Session[]>(server.url, 'auth.sessions', undefined, { token: res.data.accessToken });
    expect(sessions.data).toHaveLength(1);
  });

  it('trims and lower-cases the email; the same address in another case is taken (409)', async () => {
    const local = uniqueEmail('Mixed.Case');
    const password = strongPassword();
    const res = await trpcMutation<BearerAuthResult>(server.url, 'auth.signup', { email: `  ${local.toUpperCase()}  `, password });
    expect(res.status, res.text).toBe(200);
    expect(res.data.user.email).toBe(local.toLowerCase());

    const again = await trpcMutation(server.url, 'auth.signup', { email: local.toLowerCase(), password: strongPassword() });
    expectError(again, 409, AppErrorCode.EmailTaken);
    expect(again.error?.message).toBe(ErrorMessages.emailTaken);

    const login = await trpcMutation<BearerAuthResult>(server.url, 'auth.login', { email: ` ${local} `, password });
    expect(login.status, login.text).toBe(200);
    expect(login.data.user.id).toBe(res.data.user.id);
    expect(await countUsersWithEmail(server, local)).toBe(1);
  });

  it('20 concurrent signups of one email create exactly one account; the rest get 409, none a 5xx', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => trpcMutation<BearerAuthResult>(server.url, 'auth.signup', { email, password: strongPassword() })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const r of results.filter((x) => x.status === 409)) {
      expect(r.error?.data.appCode).toBe(AppErrorCode.EmailTaken);
      expectNoLeak(r.text);
    }
    expect(await countUsersWithEmail(server, email)).toBe(1);
  });
});

describe('login', () => {
  it('answers a wrong password and an unknown email identically (status, code, message)', async () => {
    const account = await signUp(server);
    const wrong = await trpcMutation(server.url, 'auth.login', { email: account.email, password: `${account.password}x` });
    const unknown = await trpcMutation(server.url, 'auth.login', { email: uniqueEmail('nobody'), password: account.password });
    expectError(wrong, 401, AppErrorCode.InvalidCredentials);
    expectError(unknown, 401, AppErrorCode.InvalidCredentials);
    expect(wrong.error?.message).toBe(ErrorMessages.invalidCredentials);
    expect(unknown.error).toEqual(wrong.error);
    expect(wrong.cookies).toEqual([]);
    expect(unknown.cookies).toEqual([]);
  });

  it('starts a new session per login, each with its own working tokens', async () => {
    const account = await signUp(server);
    const second = await logIn(server, account);
    expect(second.user).toEqual(account.user);
    expect(sessionIdOf(second.refreshToken)).not.toBe(sessionIdOf(account.refreshToken));
    for (const token of [account.accessToken, second.accessToken]) {
      const me = await trpcQuery<User>(server.url, 'auth.me', undefined, { token });
      expect(me.status, me.text).toBe(200);
      expect(me.data).toEqual(account.user);
      expectNoLeak(me.text);
    }
  });
});

describe('bearer transport', () => {
  it('signup → me → refresh → me with the new token → logout → refresh refused', async () => {
    const account = await signUp(server);
    const me = await trpcQuery<User>(server.url, 'auth.me', undefined, { token: account.accessToken });
    expect(me.data).toEqual(account.user);

    const refreshed = await trpcMutation<BearerAuthResult>(server.url, 'auth.refresh', { refreshToken: account.refreshToken });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.data.refreshToken).not.toBe(account.refreshToken);
    expect(sessionIdOf(refreshed.data.refreshToken)).toBe(sessionIdOf(account.refreshToken));
    expect(refreshed.data.user).toEqual(account.user);

    const me2 = await trpcQuery<User>(server.url, 'auth.me', undefined, { token: refreshed.data.accessToken });
    expect(me2.data).toEqual(account.user);

    const logout = await trpcMutation(server.url, 'auth.logout', undefined, { token: refreshed.data.accessToken });
    expect(logout.status, logout.text).toBe(200);
    expect(logout.data).toEqual({ ok: true });

    const after = await trpcMutation(server.url, 'auth.refresh', { refreshToken: refreshed.data.refreshToken });
    expectError(after, 401, AppErrorCode.RefreshInvalid);
    // The access tokens of the revoked session stop working at once, not at their expiry.
    expectError(await trpcQuery(server.url, 'auth.me', undefined, { token: refreshed.data.accessToken }), 401, AppErrorCode.SessionRevoked);
    expectError(await trpcQuery(server.url, 'auth.me', undefined, { token: account.accessToken }), 401, AppErrorCode.SessionRevoked);
  });

  it('logout is idempotent for a genuine token of an already revoked session', async () => {
    const account = await signUp(server);
    const first = await trpcMutation(server.url, 'auth.logout', {}, { token: account.accessToken });
    const second = await trpcMutation(server.url, 'auth.logout', {}, { token: account.accessToken });
    expect(first.data).toEqual({ ok: true });
    expect(second.status, second.text).toBe(200);
    expect(second.data).toEqual({ ok: true });
  });

  it('logout without a token or with a garbage token is 401, and still clears the cookies', async () => {
    const none = await trpcMutation(server.url, 'auth.logout');
    expectError(none, 401, AppErrorCode.Unauthenticated);
    expect(none.cookies.map((c) => [c.name, c.value]).sort()).toEqual([
      [AUTH_COOKIES.access, ''],
      [AUTH_COOKIES.refresh, ''],
    ]);
    expectError(await trpcMutation(server.url, 'auth.logout', undefined, { token: 'garbage' }), 401, AppErrorCode.Unauthenticated);
  });

  it('logout ends only the current session; allDevices ends every session of the user', async () => {
    const account = await signUp(server);
    const laptop = await logIn(server, account);
    const phone = await logIn(server, account);
    const other = await signUp(server);

    await trpcMutation(server.url, 'auth.logout', {}, { token: account.accessToken });
    expectError(await trpcQuery(server.url, 'auth.me', undefined, { token: account.accessToken }), 401);
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: laptop.accessToken })).status).toBe(200);
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: phone.accessToken })).status).toBe(200);

    const all = await trpcMutation(server.url, 'auth.logout', { allDevices: true }, { token: laptop.accessToken });
    expect(all.data).toEqual({ ok: true });
    for (const auth of [laptop, phone]) {
      expectError(await trpcQuery(server.url, 'auth.me', undefined, { token: auth.accessToken }), 401, AppErrorCode.SessionRevoked);
      expectError(await trpcMutation(server.url, 'auth.refresh', { refreshToken: auth.refreshToken }), 401, AppErrorCode.RefreshInvalid);
    }
    // Another user's session is untouched.
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: other.accessToken })).status).toBe(200);
    // And the account can sign in again.
    await logIn(server, account);
  });
});

describe('cookie transport (browser)', () => {
  it('signup → me → refresh → me → logout → me and refresh refused, all over cookies', async () => {
    const browser = new BrowserLikeClient(server.url);
    const email = uniqueEmail();
    const signup = await browser.mutation<BearerAuthResult>('auth.signup', { email, password: strongPassword() });
    expect(signup.status, signup.text).toBe(200);
    expect(signup.data.user.email).toBe(email);
    // A browser never sees a token: they travel only in httpOnly cookies.
    expect(signup.data).not.toHaveProperty('accessToken');
    expect(signup.data).not.toHaveProperty('refreshToken');
    expect(Date.parse(signup.data.accessTokenExpiresAt)).toBeGreaterThan(Date.now());
    expect(Date.parse(signup.data.refreshTokenExpiresAt)).toBeGreaterThan(Date.now());
    const firstRefresh = browser.cookie(AUTH_COOKIES.refresh)?.value;
    expect(browser.cookie(AUTH_COOKIES.access)?.value).toBeTruthy();
    expect(firstRefresh).toBeTruthy();

    const me = await browser.query<User>('auth.me');
    expect(me.status, me.text).toBe(200);
    expect(me.data.email).toBe(email);

    const refreshed = await browser.mutation<BearerAuthResult>('auth.refresh');
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.data).not.toHaveProperty('accessToken');
    expect(refreshed.data).not.toHaveProperty('refreshToken');
    expect(browser.cookie(AUTH_COOKIES.refresh)?.value).not.toBe(firstRefresh);
    expect(sessionIdOf(browser.cookie(AUTH_COOKIES.refresh)?.value ?? '')).toBe(sessionIdOf(firstRefresh ?? ''));

    expect((await browser.query<User>('auth.me')).data.email).toBe(email);

    const refreshCookieBeforeLogout = browser.cookie(AUTH_COOKIES.refresh)?.value ?? '';
    const logout = await browser.mutation('auth.logout');
    expect(logout.status, logout.text).toBe(200);
    expect(browser.cookie(AUTH_COOKIES.access)).toBeUndefined();
    expect(browser.cookie(AUTH_COOKIES.refresh)).toBeUndefined();

    expectError(await browser.query('auth.me'), 401, AppErrorCode.Unauthenticated);
    expectError(await browser.mutation('auth.refresh'), 401, AppErrorCode.RefreshInvalid);
    // Replaying the refresh cookie the browser held before logging out does not help either.
    browser.setCookieValue(AUTH_COOKIES.refresh, refreshCookieBeforeLogout, AUTH_COOKIES.refreshPath);
    expectError(await browser.mutation('auth.refresh'), 401, AppErrorCode.RefreshInvalid);
  });

  it('login over cookies; the bearer header wins over the cookie when both are sent', async () => {
    const account = await signUp(server);
    const someoneElse = await signUp(server);
    const browser = new BrowserLikeClient(server.url);
    const login = await browser.mutation<BearerAuthResult>('auth.login', { email: account.email, password: account.password });
    expect(login.status, login.text).toBe(200);
    expect(login.data).not.toHaveProperty('accessToken');
    expect((await browser.query<User>('auth.me')).data.id).toBe(account.user.id);
    const withBearer = await browser.query<User>('auth.me', undefined, { authorization: `Bearer ${someoneElse.accessToken}` });
    expect(withBearer.data.id).toBe(someoneElse.user.id);
  });
});

describe('sessions', () => {
  it('lists the caller’s live sessions with metadata, marking the current one, and no secrets', async () => {
    const account = await signUp(server, { headers: { 'user-agent': 'Phone/1.0' } });
    const laptop = await logIn(server, account, { 'user-agent': 'Laptop/2.0' });
    const res = await trpcQuery<Session[]>(server.url, 'auth.sessions', undefined, { token: laptop.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.data).toHaveLength(2);
    const current = res.data.find((s) => s.current);
    const phone = res.data.find((s) => !s.current);
    expect(current).toMatchObject({ id: sessionIdOf(laptop.refreshToken), userAgent: 'Laptop/2.0' });
    expect(phone).toMatchObject({ id: sessionIdOf(account.refreshToken), userAgent: 'Phone/1.0' });
    for (const s of res.data) {
      expect(Object.keys(s).sort()).toEqual(['createdAt', 'current', 'expiresAt', 'id', 'ip', 'lastUsedAt', 'userAgent']);
      expect(s.ip).toMatch(/127\.0\.0\.1|::1/);
      expect(Date.parse(s.expiresAt)).toBeGreaterThan(Date.now());
    }
    expect(res.text).not.toContain(laptop.refreshToken.split('.')[2]);
    expect(res.text).not.toMatch(/token_hash|tokenHash/);
  });

  it('revokes one of the caller’s own sessions; that session’s tokens stop working', async () => {
    const account = await signUp(server);
    const other = await logIn(server, account);
    const otherId = sessionIdOf(other.refreshToken);
    const res = await trpcMutation(server.url, 'auth.revokeSession', { sessionId: otherId }, { token: account.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.data).toEqual({ ok: true });
    expectError(await trpcQuery(server.url, 'auth.me', undefined, { token: other.accessToken }), 401, AppErrorCode.SessionRevoked);
    expectError(await trpcMutation(server.url, 'auth.refresh', { refreshToken: other.refreshToken }), 401);
    const list = await trpcQuery<Session[]>(server.url, 'auth.sessions', undefined, { token: account.accessToken });
    expect(list.data.map((s) => s.id)).toEqual([sessionIdOf(account.refreshToken)]);
    // Revoking it again: nothing live by that id any more.
    expectError(await trpcMutation(server.url, 'auth.revokeSession', { sessionId: otherId }, { token: account.accessToken }), 404);
  });

  it('another user’s session id is 404 and that session keeps working', async () => {
    const mallory = await signUp(server);
    const victim = await signUp(server);
    const res = await trpcMutation(server.url, 'auth.revokeSession', { sessionId: sessionIdOf(victim.refreshToken) }, { token: mallory.accessToken });
    expectError(res, 404, AppErrorCode.NotFound);
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: victim.accessToken })).status).toBe(200);
    const unknown = await trpcMutation(server.url, 'auth.revokeSession', { sessionId: crypto.randomUUID() }, { token: mallory.accessToken });
    expectError(unknown, 404, AppErrorCode.NotFound);
    // Nobody can list someone else's sessions: the list is always the caller's.
    const list = await trpcQuery<Session[]>(server.url, 'auth.sessions', undefined, { token: mallory.accessToken });
    expect(list.data.map((s) => s.id)).toEqual([sessionIdOf(mallory.refreshToken)]);
  });

  it('revoking the current session over cookies clears them', async () => {
    const account = await signUp(server);
    const browser = new BrowserLikeClient(server.url);
    await browser.mutation('auth.login', { email: account.email, password: account.password });
    const list = await browser.query<Session[]>('auth.sessions');
    const current = list.data.find((s) => s.current);
    expect(current).toBeDefined();
    const res = await browser.mutation('auth.revokeSession', { sessionId: current?.id });
    expect(res.status, res.text).toBe(200);
    expect(browser.cookie(AUTH_COOKIES.access)).toBeUndefined();
    expect(browser.cookie(AUTH_COOKIES.refresh)).toBeUndefined();
    // The bearer session of the same user is untouched.
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: account.accessToken })).status).toBe(200);
  });

  it('session procedures need a signed-in caller', async () => {
    expectError(await trpcQuery(server.url, 'auth.sessions'), 401, AppErrorCode.Unauthenticated);
    expectError(await trpcMutation(server.url, 'auth.revokeSession', { sessionId: crypto.randomUUID() }), 401, AppErrorCode.Unauthenticated);
  });
});
