import { AppErrorCode, AUTH_COOKIES, type BearerAuthResult } from '@app/contracts';
import {
  type CallResult,
  claimsOf,
  signUp,
  sleep,
  startTestServer,
  strongPassword,
  type TestServer,
  trpcMutation,
  trpcQuery,
  uniqueEmail,
} from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './support';

// Short lifetimes so that expiry can be observed. JWT `exp` has one-second resolution, so a
// token signed with a 2 s TTL lives between 1 and 2 s: long enough for the control call.
const ACCESS_TTL_MS = 2_000;
const SESSION_TTL_MS = 5_000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { accessTokenTtlMs: ACCESS_TTL_MS, refreshTokenTtlMs: SESSION_TTL_MS } });
});
afterAll(async () => {
  await server?.close();
});

const refresh = (refreshToken: string) => trpcMutation<BearerAuthResult>(server.url, 'auth.refresh', { refreshToken });
const refreshCookie = (res: CallResult) => res.cookies.find((c) => c.name === AUTH_COOKIES.refresh);

describe('access token expiry', () => {
  it('an access token stops working after its TTL; a refresh issues a working one', async () => {
    const account = await signUp(server);
    const claims = claimsOf(account.accessToken);
    expect((claims['exp'] as number) * 1000).toBe(Date.parse(account.auth.accessTokenExpiresAt));
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: account.accessToken })).status).toBe(200);

    await sleep(Math.max(0, Date.parse(account.auth.accessTokenExpiresAt) - Date.now()) + 150);

    expectError(await trpcQuery(server.url, 'auth.me', undefined, { token: account.accessToken }), 401, AppErrorCode.Unauthenticated);
    const refreshed = await refresh(account.refreshToken);
    expect(refreshed.status, refreshed.text).toBe(200);
    const me = await trpcQuery(server.url, 'auth.me', undefined, { token: refreshed.data.accessToken });
    expect(me.status, me.text).toBe(200);
  });
});

describe('logout with an expired access token', () => {
  it('answers 401 but keeps the cookies, so the client can refresh, retry and really end the session', async () => {
    const account = await signUp(server);
    await sleep(Math.max(0, Date.parse(account.auth.accessTokenExpiresAt) - Date.now()) + 150);

    const early = await trpcMutation(server.url, 'auth.logout', undefined, { token: account.accessToken });
    expectError(early, 401, AppErrorCode.Unauthenticated);
    expect(early.cookies).toEqual([]);

    const refreshed = await refresh(account.refreshToken);
    expect(refreshed.status, refreshed.text).toBe(200);
    const logout = await trpcMutation(server.url, 'auth.logout', undefined, { token: refreshed.data.accessToken });
    expect(logout.status, logout.text).toBe(200);
    expect(logout.cookies.map((c) => [c.name, c.value]).sort()).toEqual([
      [AUTH_COOKIES.access, ''],
      [AUTH_COOKIES.refresh, ''],
    ]);
    expectError(await refresh(refreshed.data.refreshToken), 401, AppErrorCode.RefreshInvalid);
  });
});

describe('absolute session expiry', () => {
  it('rotation never extends it: same expiresAt, shrinking cookie Max-Age, refused once it passes', async () => {
    const signup = await trpcMutation<BearerAuthResult>(server.url, 'auth.signup', { email: uniqueEmail('expiry'), password: strongPassword() });
    expect(signup.status, signup.text).toBe(200);
    const expiresAt = signup.data.refreshTokenExpiresAt;
    const startMaxAge = refreshCookie(signup)?.maxAge ?? Number.NaN;
    expect(startMaxAge).toBeLessThanOrEqual(SESSION_TTL_MS / 1000);
    expect(startMaxAge).toBeGreaterThanOrEqual(SESSION_TTL_MS / 1000 - 2);

    let token = signup.data.refreshToken;
    let lastMaxAge = startMaxAge;
    for (let step = 0; step < 2; step++) {
      await sleep(1_100);
      const res = await refresh(token);
      expect(res.status, res.text).toBe(200);
      expect(res.data.refreshTokenExpiresAt).toBe(expiresAt);
      const maxAge = refreshCookie(res)?.maxAge ?? Number.NaN;
      // Max-Age is the session's remaining lifetime, never a fresh full lifetime.
      expect(maxAge).toBeLessThan(lastMaxAge);
      expect(maxAge * 1000).toBeLessThanOrEqual(Date.parse(expiresAt) - Date.now() + 1_000);
      lastMaxAge = maxAge;
      token = res.data.refreshToken;
    }

    await sleep(Math.max(0, Date.parse(expiresAt) - Date.now()) + 300);

    const late = await refresh(token);
    expectError(late, 401, AppErrorCode.RefreshInvalid);
  });
});
