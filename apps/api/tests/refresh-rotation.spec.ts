import { AppErrorCode, AUTH_COOKIES, type BearerAuthResult, ErrorMessages } from '@app/contracts';
import {
  BrowserLikeClient,
  claimsOf,
  sessionIdOf,
  signUp,
  startTestServer,
  type TestServer,
  trpcMutation,
  trpcQuery,
} from '@app/server-testing';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './support';

// The default grace window (10 s): every "within the window" call here happens well inside it.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const refresh = (refreshToken: string) => trpcMutation<BearerAuthResult>(server.url, 'auth.refresh', { refreshToken });

describe('rotation', () => {
  it('issues a new refresh token (same session) and a working access token; the session’s expiry stays put', async () => {
    const account = await signUp(server);
    const res = await refresh(account.refreshToken);
    expect(res.status, res.text).toBe(200);
    expect(res.data.refreshToken).not.toBe(account.refreshToken);
    expect(sessionIdOf(res.data.refreshToken)).toBe(sessionIdOf(account.refreshToken));
    expect(res.data.refreshTokenExpiresAt).toBe(account.auth.refreshTokenExpiresAt);
    expect(res.data.user).toEqual(account.user);
    expect(claimsOf(res.data.accessToken)['sid']).toBe(sessionIdOf(account.refreshToken));
    const me = await trpcQuery(server.url, 'auth.me', undefined, { token: res.data.accessToken });
    expect(me.status, me.text).toBe(200);
  });

  it('a chain of rotations keeps working, each token once', async () => {
    const account = await signUp(server);
    let token = account.refreshToken;
    const seen = new Set([token]);
    for (let i = 0; i < 5; i++) {
      const res = await refresh(token);
      expect(res.status, res.text).toBe(200);
      expect(seen.has(res.data.refreshToken)).toBe(false);
      seen.add(res.data.refreshToken);
      token = res.data.refreshToken;
    }
  });

  it('the previous token within the grace window succeeds and returns the same current token', async () => {
    const account = await signUp(server);
    const first = await refresh(account.refreshToken);
    expect(first.status).toBe(200);
    const again = await refresh(account.refreshToken);
    expect(again.status, again.text).toBe(200);
    expect(again.data.refreshToken).toBe(first.data.refreshToken);
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: again.data.accessToken })).status).toBe(200);
    // The current token still rotates normally afterwards.
    const next = await refresh(first.data.refreshToken);
    expect(next.status, next.text).toBe(200);
    expect(next.data.refreshToken).not.toBe(first.data.refreshToken);
  });

  it('parallel refreshes with one token (two tabs, retries) all succeed with the same new token', async () => {
    const account = await signUp(server);
    const results = await Promise.all(Array.from({ length: 6 }, () => refresh(account.refreshToken)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(new Set(results.map((r) => r.data.refreshToken)).size).toBe(1);
    expect(results[0]?.data.refreshToken).not.toBe(account.refreshToken);
  });

  it('a token two generations old, even inside the grace window, is reuse: the session is revoked', async () => {
    const account = await signUp(server);
    const second = await refresh(account.refreshToken);
    const third = await refresh(second.data.refreshToken);
    expect(third.status).toBe(200);
    const reused = await refresh(account.refreshToken);
    expectError(reused, 401, AppErrorCode.RefreshInvalid);
    expect(reused.error?.message).toBe(ErrorMessages.refreshInvalid);
    // The newest token and the session's access tokens are dead too.
    expectError(await refresh(third.data.refreshToken), 401, AppErrorCode.RefreshInvalid);
    expectError(await trpcQuery(server.url, 'auth.me', undefined, { token: third.data.accessToken }), 401, AppErrorCode.SessionRevoked);
    // Another session of the same user is not affected.
    const login = await trpcMutation<BearerAuthResult>(server.url, 'auth.login', { email: account.email, password: account.password });
    expect(login.status).toBe(200);
  });
});

describe('refresh tokens that are refused with 401', () => {
  it('a well-shaped guess for a live session is refused without revoking that session', async () => {
    const account = await signUp(server);
    const guess = `${sessionIdOf(account.refreshToken)}.${randomBytes(32).toString('base64url')}`;
    expectError(await refresh(guess), 401, AppErrorCode.RefreshInvalid);
    const real = await refresh(account.refreshToken);
    expect(real.status, real.text).toBe(200);
  });

  it.each([
    ['garbage', 'garbage'],
    ['an unknown session', `${crypto.randomUUID()}.${randomBytes(32).toString('base64url')}`],
    ['no secret', `${crypto.randomUUID()}.`],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'],
  ])('%s', async (_label, token) => {
    const res = await refresh(token);
    expectError(res, 401, AppErrorCode.RefreshInvalid);
  });

  it('an access token presented as a refresh token', async () => {
    const account = await signUp(server);
    // An access token (~300 characters) is longer than any refresh token: refused as malformed input.
    expect(account.accessToken.length).toBeGreaterThan(200);
    const res = await refresh(account.accessToken);
    expectError(res, 400, AppErrorCode.InvalidInput);
    expect(res.error?.data.zodError?.fieldErrors['refreshToken']).toEqual(['Refresh token is malformed']);
    expect((await refresh(account.refreshToken)).status).toBe(200);
  });

  it('no token in the body and no cookie', async () => {
    expectError(await trpcMutation(server.url, 'auth.refresh'), 401, AppErrorCode.RefreshInvalid);
    expectError(await trpcMutation(server.url, 'auth.refresh', {}), 401, AppErrorCode.RefreshInvalid);
  });

  it('a refresh after logout (bearer and cookie)', async () => {
    const account = await signUp(server);
    await trpcMutation(server.url, 'auth.logout', undefined, { token: account.accessToken });
    expectError(await refresh(account.refreshToken), 401, AppErrorCode.RefreshInvalid);

    const browser = new BrowserLikeClient(server.url);
    await browser.mutation('auth.login', { email: account.email, password: account.password });
    const held = browser.cookie(AUTH_COOKIES.refresh)?.value ?? '';
    await browser.mutation('auth.logout');
    browser.setCookieValue(AUTH_COOKIES.refresh, held, AUTH_COOKIES.refreshPath);
    const res = await browser.mutation('auth.refresh');
    expectError(res, 401, AppErrorCode.RefreshInvalid);
    // A refused refresh clears the cookies.
    expect(res.cookies.filter((c) => c.value === '').map((c) => c.name).sort()).toEqual([AUTH_COOKIES.access, AUTH_COOKIES.refresh]);
  });
});

describe('refresh over cookies', () => {
  it('the refresh cookie rotates; the replaced cookie within the window yields the same current cookie', async () => {
    const account = await signUp(server);
    const browser = new BrowserLikeClient(server.url);
    await browser.mutation('auth.login', { email: account.email, password: account.password });
    const original = browser.cookie(AUTH_COOKIES.refresh)?.value ?? '';
    const first = await browser.mutation<BearerAuthResult>('auth.refresh');
    expect(first.status, first.text).toBe(200);
    const rotated = browser.cookie(AUTH_COOKIES.refresh)?.value ?? '';
    expect(rotated).not.toBe(original);

    // A second tab still holding the old cookie.
    const tab = new BrowserLikeClient(server.url);
    tab.setCookieValue(AUTH_COOKIES.refresh, original, AUTH_COOKIES.refreshPath);
    const second = await tab.mutation<BearerAuthResult>('auth.refresh');
    expect(second.status, second.text).toBe(200);
    expect(tab.cookie(AUTH_COOKIES.refresh)?.value).toBe(rotated);
    expect(second.data).not.toHaveProperty('refreshToken');
  });
});
