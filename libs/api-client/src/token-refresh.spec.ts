import { sessionIdOf, startTestServer, strongPassword, type TestServer, uniqueEmail } from '@app/server-testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiClient, type ApiClientOptions, createApiClient } from './api-client';
import { type ApiClientError, appErrorCode, isApiClientError } from './api-errors';
import { FileTokenStore } from './file-token-store';
import { rejection } from './testing/rejection';
import { RequestLog, sessionGeneration, waitUntilPast } from './testing/request-log';
import { MemoryTokenStore, type StoredSession } from './token-store';

const CONCURRENT_CALLS = 50;

/**
 * Refresh under concurrency, observed on the server: its request log (every HTTP request, with
 * the procedures in it) and the session row's `generation` (one per rotation).
 *
 * Access tokens live 2 s here. With 1 s the token a refresh hands out can have only milliseconds
 * left (JWT `exp` has one-second resolution), so a slow batch could legitimately need a second
 * refresh; 2 s leaves the new token at least a second. The reuse grace is 0, so presenting the
 * same refresh token twice would revoke the session: a duplicate refresh cannot go unnoticed.
 */
describe('token refresh under concurrency', () => {
  let server: TestServer;
  let log: RequestLog;
  let tempDir: string;

  beforeAll(async () => {
    server = await startTestServer({ config: { accessTokenTtlMs: 2_000, refreshReuseGraceMs: 0 } });
    log = new RequestLog(server);
    tempDir = await mkdtemp(join(tmpdir(), 'api-client-'));
  });
  afterAll(async () => {
    log?.stop();
    await server?.close();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  });
  beforeEach(() => log.reset());

  async function signedIn(store = new MemoryTokenStore()): Promise<{ api: ApiClient; session: StoredSession; email: string; password: string }> {
    const email = uniqueEmail('refresh');
    const password = strongPassword();
    const api = createApiClient({ url: server.url, store });
    await api.signup({ email, password });
    const session = await api.session();
    if (!session) throw new Error('no session after signup');
    return { api, session, email, password };
  }

  /** A client whose clock lags: it believes the access token is still good, so only the server's 401 tells it. */
  function laggingClient(session: StoredSession, options: Pick<ApiClientOptions, 'onSessionEnded' | 'fetch'> = {}) {
    const store = new MemoryTokenStore({ ...session, accessTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    return { store, api: createApiClient({ url: server.url, store, ...options }) };
  }

  const manyCalls = (api: ApiClient) =>
    Array.from({ length: CONCURRENT_CALLS }, (_, i) => (i % 2 === 0 ? api.auth.me.query() : api.people.list.query({ limit: 1 })));

  it(`${CONCURRENT_CALLS} concurrent calls after the access token expired cause exactly one refresh, and all succeed`, async () => {
    const { api, session, email } = await signedIn();
    await waitUntilPast(session.accessTokenExpiresAt);
    log.reset();

    const results = await Promise.all(manyCalls(api));

    expect(results.filter((r, i) => (i % 2 === 0 ? (r as { email: string }).email === email : 'items' in r))).toHaveLength(CONCURRENT_CALLS);
    const refreshes = log.calls('auth.refresh');
    expect(refreshes).toBe(1);
    expect(await sessionGeneration(server, session.refreshToken)).toBe(1);
    // Refreshed before sending: not one call was refused.
    expect(log.requests.filter((r) => r.status === 401)).toHaveLength(0);
    expect((await api.session())?.accessToken).not.toBe(session.accessToken);
  });

  it(`a batch of ${CONCURRENT_CALLS} calls answered 401 causes one refresh and each call is retried once`, async () => {
    const { session } = await signedIn();
    const { api, store } = laggingClient(session);
    await waitUntilPast(session.accessTokenExpiresAt);
    log.reset();

    const results = await Promise.all(manyCalls(api));

    expect(results).toHaveLength(CONCURRENT_CALLS);
    expect(log.calls('auth.refresh')).toBe(1);
    expect(await sessionGeneration(server, session.refreshToken)).toBe(1);
    expect(log.calls('auth.me') + log.calls('people.list')).toBe(2 * CONCURRENT_CALLS);
    const [first, refresh, retry] = log.requests;
    expect(first).toMatchObject({ status: 401 });
    expect(first?.paths).toHaveLength(CONCURRENT_CALLS);
    expect(refresh).toMatchObject({ paths: ['auth.refresh'], status: 200, bearer: false });
    expect(retry).toMatchObject({ status: 200 });
    expect(retry?.paths).toHaveLength(CONCURRENT_CALLS);
    expect((await store.load())?.refreshToken).not.toBe(session.refreshToken);
  });

  it('in a batch mixing expired-token calls with public calls, refreshes once and retries only the calls that got 401', async () => {
    const { session, email } = await signedIn();
    const { api } = laggingClient(session);
    await waitUntilPast(session.accessTokenExpiresAt);
    log.reset();
    const newcomer = uniqueEmail('newcomer');
    const lastName = `Batch${Date.now().toString(36)}`;

    const [created, signup, wrongLogin, alsoCreated] = await Promise.allSettled([
      api.people.create.mutate({ firstName: 'Grace', lastName }),
      api.auth.signup.mutate({ email: newcomer, password: strongPassword() }),
      api.auth.login.mutate({ email, password: 'Not#The1Password' }),
      api.people.create.mutate({ firstName: 'Alan', lastName }),
    ]);

    expect(created).toMatchObject({ status: 'fulfilled', value: { firstName: 'Grace', lastName } });
    expect(alsoCreated).toMatchObject({ status: 'fulfilled', value: { firstName: 'Alan', lastName } });
    expect(signup).toMatchObject({ status: 'fulfilled', value: { user: { email: newcomer } } });
    // A refused login is a 401 too, but an auth call: it must neither refresh nor be retried.
    expect(wrongLogin.status === 'rejected' && appErrorCode(wrongLogin.reason)).toBe('INVALID_CREDENTIALS');

    const [batch, refresh, retry, ...more] = log.requests;
    expect(new Set(batch?.paths)).toEqual(new Set(['people.create', 'auth.signup', 'auth.login']));
    expect(batch?.paths).toHaveLength(4);
    expect(batch?.status).toBe(207);
    expect(refresh?.paths).toEqual(['auth.refresh']);
    expect(retry?.paths).toEqual(['people.create', 'people.create']);
    expect(more).toEqual([]);
    expect(await sessionGeneration(server, session.refreshToken)).toBe(1);
    const rows = await server.services.db.selectFrom('people').select('first_name').where('last_name', '=', lastName).execute();
    expect(rows.map((r) => r.first_name).sort()).toEqual(['Alan', 'Grace']);
  });

  it('a revoked session fails every waiting call with UNAUTHORIZED and clears the store', async () => {
    const { session, email, password } = await signedIn();
    const ended: ApiClientError[] = [];
    const { api, store } = laggingClient(session, { onSessionEnded: (error) => ended.push(error) });
    const elsewhere = createApiClient({ url: server.url });
    await elsewhere.login({ email, password });
    await elsewhere.logout({ allDevices: true });
    log.reset();

    const outcomes = await Promise.allSettled(manyCalls(api));

    const reasons = outcomes.map((o) => (o.status === 'rejected' ? o.reason : o.value));
    expect(reasons.filter((r) => isApiClientError(r) && r.data?.code === 'UNAUTHORIZED')).toHaveLength(CONCURRENT_CALLS);
    expect(new Set(reasons.map(appErrorCode))).toEqual(new Set(['REFRESH_INVALID']));
    expect(await store.load()).toBeNull();
    expect(await api.session()).toBeNull();
    expect(log.calls('auth.refresh')).toBe(1);
    expect(ended).toHaveLength(1);
    // The calls were not sent a second time.
    expect(log.calls('auth.me') + log.calls('people.list')).toBe(CONCURRENT_CALLS);
  });

  it('when the refresh before sending is refused, every waiting call fails and none reaches the server', async () => {
    const store = new MemoryTokenStore();
    const { api, session } = await signedIn(store);
    await server.services.db.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', sessionIdOf(session.refreshToken)).execute();
    await waitUntilPast(session.accessTokenExpiresAt);
    log.reset();

    const outcomes = await Promise.allSettled(manyCalls(api));

    expect(outcomes.filter((o) => o.status === 'rejected' && isApiClientError(o.reason) && o.reason.data?.code === 'UNAUTHORIZED')).toHaveLength(CONCURRENT_CALLS);
    expect(log.requests.map((r) => r.paths)).toEqual([['auth.refresh']]);
    expect(await store.load()).toBeNull();
  });

  it('retries a call at most once, even when the retry gets a 401 as well', async () => {
    const { session } = await signedIn();
    const sessionId = sessionIdOf(session.refreshToken);
    // The session is revoked right after the refresh answers, so the retried call is refused again.
    const { api } = laggingClient(session, {
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (String(input).includes('auth.refresh')) {
          await server.services.db.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', sessionId).execute();
        }
        return response;
      },
    });
    await waitUntilPast(session.accessTokenExpiresAt);
    log.reset();

    const error = await rejection(api.auth.me.query());

    expect(appErrorCode(error)).toBe('SESSION_REVOKED');
    expect(log.requests.map((r) => [r.paths, r.status])).toEqual([
      [['auth.me'], 401],
      [['auth.refresh'], 200],
      [['auth.me'], 401],
    ]);
  });

  it('never resends a call as someone else: a 401 that arrives after another sign-in is not retried', async () => {
    const { session } = await signedIn();
    const other = { email: uniqueEmail('other'), password: strongPassword() };
    await createApiClient({ url: server.url }).signup(other);
    let signInDuringCall: (() => Promise<unknown>) | undefined;
    const { api } = laggingClient(session, {
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        // Another sign-in completes while the first user's call is on its way back with a 401.
        if (String(input).includes('auth.me')) await signInDuringCall?.();
        return response;
      },
    });
    signInDuringCall = () => api.login(other);
    await waitUntilPast(session.accessTokenExpiresAt);
    log.reset();

    const error = await rejection(api.auth.me.query());
    signInDuringCall = undefined;

    expect(appErrorCode(error)).toBe('UNAUTHENTICATED');
    expect(log.calls('auth.me')).toBe(1);
    expect(log.calls('auth.refresh')).toBe(0);
    expect((await api.session())?.user.email).toBe(other.email);
    expect(await api.auth.me.query()).toMatchObject({ email: other.email });
  });

  it('two clients sharing a file store never present an old refresh token', async () => {
    const path = join(tempDir, 'shared', 'session.json');
    const first = createApiClient({ url: server.url, store: new FileTokenStore({ path }) });
    const second = createApiClient({ url: server.url, store: new FileTokenStore({ path }) });
    await first.signup({ email: uniqueEmail('shared'), password: strongPassword() });
    const session = await second.session();
    if (!session) throw new Error('the second client did not load the stored session');
    await waitUntilPast(session.accessTokenExpiresAt);
    log.reset();

    await first.auth.me.query();
    // The second client's own copy is stale; it takes the rotated tokens from the file instead of
    // presenting its old token (which, with no grace window, would revoke the session).
    await second.auth.me.query();
    await second.people.list.query();

    expect(log.calls('auth.refresh')).toBe(1);
    expect(await sessionGeneration(server, session.refreshToken)).toBe(1);
    expect((await second.session())?.refreshToken).toBe((await first.session())?.refreshToken);
  });

  /** The session row's state and the user's auth events of these types, oldest first. */
  async function ending(refreshToken: string, userId: string) {
    const sessionId = sessionIdOf(refreshToken);
    const row = await server.services.db.selectFrom('sessions').select(['revoked_at', 'generation']).where('id', '=', sessionId).executeTakeFirstOrThrow();
    const events = await server.services.db
      .selectFrom('auth_events')
      .select(['type', 'detail'])
      .where('user_id', '=', userId)
      .where('type', 'in', ['signed_out', 'refresh_reuse_detected'])
      .orderBy('id')
      .execute();
    return { revoked: row.revoked_at !== null, generation: row.generation, events };
  }

  it('logout() after the access token expired is one auth.logout, with no auth.refresh, and ends the session on the server', async () => {
    const store = new MemoryTokenStore();
    const { api, session } = await signedIn(store);
    await waitUntilPast(session.accessTokenExpiresAt);
    log.reset();

    await api.logout();

    expect(log.requests.map((r) => [r.paths, r.status, r.bearer])).toEqual([[['auth.logout'], 200, true]]);
    expect(await ending(session.refreshToken, session.user.id)).toEqual({
      revoked: true,
      generation: 0,
      events: [{ type: 'signed_out', detail: { sessionId: sessionIdOf(session.refreshToken), allDevices: false } }],
    });
    expect(await store.load()).toBeNull();
    expect(await api.session()).toBeNull();
  });

  it('logout({ allDevices: true }) after the access token expired ends every session of the user in that one call', async () => {
    const { api, session, email, password } = await signedIn();
    const phone = createApiClient({ url: server.url });
    await phone.login({ email, password });
    const phoneSession = await phone.session();
    await waitUntilPast(session.accessTokenExpiresAt);
    log.reset();

    await api.logout({ allDevices: true });

    expect(log.requests.map((r) => [r.paths, r.status])).toEqual([[['auth.logout'], 200]]);
    for (const token of [session.refreshToken, phoneSession?.refreshToken ?? '']) expect((await ending(token, session.user.id)).revoked).toBe(true);
    expect(appErrorCode(await rejection(phone.auth.me.query()))).toBe('REFRESH_INVALID');
  });

  it('when the server refuses both tokens, logout() resolves after that one 401: no refresh, no retry, the store cleared', async () => {
    const { session } = await signedIn();
    // A refresh token the server never issued: a retry after a refresh could only present it again.
    const store = new MemoryTokenStore({ ...session, refreshToken: `${sessionIdOf(session.refreshToken)}.0.${'A'.repeat(43)}.${'B'.repeat(43)}` });
    const api = createApiClient({ url: server.url, store });
    await waitUntilPast(session.accessTokenExpiresAt);
    log.reset();

    await expect(api.logout()).resolves.toBeUndefined();

    expect(log.requests.map((r) => [r.paths, r.status])).toEqual([[['auth.logout'], 401]]);
    expect(await store.load()).toBeNull();
    expect((await ending(session.refreshToken, session.user.id)).revoked).toBe(false);
  });

  it('logout() presents the newest refresh token when another client sharing the file store rotated it: a sign-out, never taken for reuse', async () => {
    const path = join(tempDir, 'shared-logout', 'session.json');
    const first = createApiClient({ url: server.url, store: new FileTokenStore({ path }) });
    const second = createApiClient({ url: server.url, store: new FileTokenStore({ path }) });
    await first.signup({ email: uniqueEmail('shared-logout'), password: strongPassword() });
    const session = await second.session();
    if (!session) throw new Error('the second client did not load the stored session');
    await waitUntilPast(session.accessTokenExpiresAt);
    await first.auth.me.query(); // rotates: the second client's own copy is now an old token (no grace window here)
    expect(await sessionGeneration(server, session.refreshToken)).toBe(1);
    log.reset();

    await second.logout();

    expect(log.requests.map((r) => [r.paths, r.status])).toEqual([[['auth.logout'], 200]]);
    expect(await ending(session.refreshToken, session.user.id)).toEqual({
      revoked: true,
      generation: 1,
      events: [{ type: 'signed_out', detail: { sessionId: sessionIdOf(session.refreshToken), allDevices: false } }],
    });
  });

  it('auth.logout called without a refresh token keeps the link’s way: with an expired access token it refreshes first, then signs out', async () => {
    const { api, session } = await signedIn();
    await waitUntilPast(session.accessTokenExpiresAt);
    log.reset();

    await api.auth.logout.mutate({});

    expect(log.requests.map((r) => [r.paths, r.status])).toEqual([
      [['auth.refresh'], 200],
      [['auth.logout'], 200],
    ]);
    expect(await ending(session.refreshToken, session.user.id)).toMatchObject({ revoked: true, generation: 1 });
    expect(await api.session()).toBeNull();
  });
});
