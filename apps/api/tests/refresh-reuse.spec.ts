import { AppErrorCode, AUTH_COOKIES, type BearerAuthResult, type Session } from '@app/contracts';
import {
  BrowserLikeClient,
  logIn,
  sessionIdOf,
  signUp,
  sleep,
  startTestServer,
  type TestServer,
  trpcMutation,
  trpcQuery,
} from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './support';

const GRACE_MS = 1_000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { refreshReuseGraceMs: GRACE_MS } });
});
afterAll(async () => {
  await server?.close();
});

const refresh = (refreshToken: string) => trpcMutation<BearerAuthResult>(server.url, 'auth.refresh', { refreshToken });

describe('reuse of a rotated refresh token after the grace window', () => {
  it('is refused and revokes the whole session; a session used normally is unaffected', async () => {
    // Victim and attacker share a stolen token; a second account just rotates normally (control).
    const victim = await signUp(server);
    const bystander = await signUp(server);
    const rotated = await refresh(victim.refreshToken);
    const bystanderRotated = await refresh(bystander.refreshToken);
    expect(rotated.status).toBe(200);
    expect(bystanderRotated.status).toBe(200);

    await sleep(GRACE_MS + 300);

    const reuse = await refresh(victim.refreshToken);
    expectError(reuse, 401, AppErrorCode.RefreshInvalid);
    // The session's newest token is refused too, and so are its access tokens.
    expectError(await refresh(rotated.data.refreshToken), 401, AppErrorCode.RefreshInvalid);
    expectError(await trpcQuery(server.url, 'auth.me', undefined, { token: rotated.data.accessToken }), 401, AppErrorCode.SessionRevoked);
    expectError(await trpcQuery(server.url, 'auth.me', undefined, { token: victim.accessToken }), 401, AppErrorCode.SessionRevoked);

    // The revoked session is gone from the user's list; signing in again works.
    const fresh = await logIn(server, victim);
    const sessions = await trpcQuery<Session[]>(server.url, 'auth.sessions', undefined, { token: fresh.accessToken });
    expect(sessions.data.map((s) => s.id)).toEqual([sessionIdOf(fresh.refreshToken)]);

    // Time alone does not hurt: the current token still rotates after the window.
    const next = await refresh(bystanderRotated.data.refreshToken);
    expect(next.status, next.text).toBe(200);
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: next.data.accessToken })).status).toBe(200);
  });

  it('over cookies: a tab replaying the old cookie late logs out every holder of that session', async () => {
    const account = await signUp(server);
    const browser = new BrowserLikeClient(server.url);
    await browser.mutation('auth.login', { email: account.email, password: account.password });
    const stale = browser.cookie(AUTH_COOKIES.refresh)?.value ?? '';
    expect((await browser.mutation('auth.refresh')).status).toBe(200);

    await sleep(GRACE_MS + 300);

    const thief = new BrowserLikeClient(server.url);
    thief.setCookieValue(AUTH_COOKIES.refresh, stale, AUTH_COOKIES.refreshPath);
    expectError(await thief.mutation('auth.refresh'), 401, AppErrorCode.RefreshInvalid);
    expectError(await browser.query('auth.me'), 401, AppErrorCode.SessionRevoked);
    expectError(await browser.mutation('auth.refresh'), 401, AppErrorCode.RefreshInvalid);
  });
});
