import { AppErrorCode } from '@app/contracts';
import { sessionIdOf, startTestServer, strongPassword, type TestServer, uniqueEmail } from '@app/server-testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient, trpcEndpoint } from './api-client';
import { appErrorCode, isApiClientError } from './api-errors';
import { rejection } from './testing/rejection';
import { RequestLog } from './testing/request-log';
import { MemoryTokenStore } from './token-store';

describe('api client against the real server', () => {
  let server: TestServer;
  let log: RequestLog;
  const admin = { email: uniqueEmail('admin'), password: strongPassword() };

  beforeAll(async () => {
    server = await startTestServer();
    log = new RequestLog(server);
    await server.services.users.ensureAdmin(admin.email, admin.password);
  });
  afterAll(async () => {
    log?.stop();
    await server?.close();
  });
  beforeEach(() => log.reset());

  it('signs up, makes typed calls over bearer, and signs out', async () => {
    const store = new MemoryTokenStore();
    const api = createApiClient({ url: server.url, store });
    const email = uniqueEmail('typed');
    const password = strongPassword();

    expect(await api.signup({ email: `  ${email.toUpperCase()} `, password })).toMatchObject({ email, role: 'user' });
    await api.logout();
    expect(await api.session()).toBeNull();

    const user = await api.login({ email, password });
    expect(user).toEqual({ id: expect.any(String), email, role: 'user', emailVerified: false });
    const stored = await store.load();
    expect(stored?.user).toEqual(user);
    expect(stored?.accessToken).not.toBe('');

    expect(await api.auth.me.query()).toEqual(user);
    const created = await api.people.create.mutate({ firstName: '  José ', lastName: "O'Brien" });
    expect(created).toMatchObject({ id: expect.any(Number), firstName: 'José', lastName: "O'Brien" });
    const page = await api.people.list.query({ search: 'josé o', limit: 5 });
    expect(page.items.map((p) => p.id)).toContain(created.id);
    expect(await api.people.byId.query({ id: created.id })).toEqual(created);
    const updated = await api.people.update.mutate({ id: created.id, firstName: '李', lastName: 'Lovelace' });
    expect(updated).toMatchObject({ id: created.id, firstName: '李', lastName: 'Lovelace' });
    const sessions = await api.auth.sessions.query();
    expect(sessions.filter((s) => s.current)).toHaveLength(1);

    // Every call went out with the bearer token, and nothing needed a refresh.
    const sessionCalls = ['auth.signup', 'auth.login', 'auth.refresh'];
    const needingToken = log.requests.filter((r) => r.paths.some((p) => !sessionCalls.includes(p)));
    expect(needingToken.length).toBeGreaterThan(5);
    expect(needingToken.every((r) => r.bearer)).toBe(true);
    expect(log.requests.filter((r) => r.paths.includes('auth.login')).every((r) => !r.bearer)).toBe(true);
    expect(log.calls('auth.refresh')).toBe(0);

    const sessionId = sessionIdOf(stored?.refreshToken ?? '');
    await api.logout();
    expect(await api.session()).toBeNull();
    expect(await store.load()).toBeNull();
    const row = await server.services.db.selectFrom('sessions').select('revoked_at').where('id', '=', sessionId).executeTakeFirstOrThrow();
    expect(row.revoked_at).not.toBeNull();

    const afterLogout = await rejection(api.auth.me.query());
    expect(isApiClientError(afterLogout) && afterLogout.data?.code).toBe('UNAUTHORIZED');
    expect(appErrorCode(afterLogout)).toBe(AppErrorCode.Unauthenticated);
  });

  it('surfaces failures as typed TRPCClientErrors with the app codes, refreshing only on 401', async () => {
    const api = createApiClient({ url: server.url });
    const email = uniqueEmail('errors');
    const password = strongPassword();
    await api.signup({ email, password });

    const wrongPassword = await rejection(createApiClient({ url: server.url }).login({ email, password: `${password}x` }));
    expect(isApiClientError(wrongPassword) && wrongPassword.data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, appCode: 'INVALID_CREDENTIALS' });

    const badInput = await rejection(api.people.create.mutate({ firstName: '', lastName: 'x'.repeat(31) }));
    expect(isApiClientError(badInput) && badInput.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, appCode: 'INVALID_INPUT' });
    expect(isApiClientError(badInput) && badInput.data?.zodError?.fieldErrors).toMatchObject({
      firstName: ['First name is required'],
      lastName: ['Last name must be at most 30 characters'],
    });

    const person = await api.people.create.mutate({ firstName: 'Ada', lastName: 'Lovelace' });
    const forbidden = await rejection(api.people.delete.mutate({ id: person.id }));
    expect(isApiClientError(forbidden) && forbidden.data).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403, appCode: 'FORBIDDEN' });
    const adminOnly = await rejection(api.users.list.query());
    expect(appErrorCode(adminOnly)).toBe(AppErrorCode.Forbidden);

    const missing = await rejection(api.people.byId.query({ id: 2_000_000_000 }));
    expect(isApiClientError(missing) && missing.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404, appCode: 'NOT_FOUND' });

    const taken = await rejection(api.auth.signup.mutate({ email, password }));
    expect(isApiClientError(taken) && taken.data).toMatchObject({ code: 'CONFLICT', httpStatus: 409, appCode: 'EMAIL_TAKEN' });

    // A 403, 404, 409 or a refused login is no reason to refresh.
    expect(log.calls('auth.refresh')).toBe(0);
    // The failed calls left the session alone.
    expect(await api.auth.me.query()).toMatchObject({ email });
  });

  it('gives admins typed access to users and roles', async () => {
    const api = createApiClient({ url: server.url });
    await api.login(admin);
    const other = createApiClient({ url: server.url });
    const email = uniqueEmail('promoted');
    const created = await other.signup({ email, password: strongPassword() });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.users.list.query({ cursor, limit: 2 });
      seen.push(...page.items.map((u) => u.email));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining([admin.email, email]));

    expect(await api.users.setRole.mutate({ userId: created.id, role: 'admin' })).toEqual({ ...created, role: 'admin' });
    // The role change revoked the other client's session: its refresh is refused, its store cleared.
    const ended = await rejection(other.auth.me.query());
    expect(isApiClientError(ended) && ended.data?.code).toBe('UNAUTHORIZED');
    expect(await other.session()).toBeNull();
  });

  it('signs out of every device', async () => {
    const email = uniqueEmail('devices');
    const password = strongPassword();
    const laptop = createApiClient({ url: server.url });
    const phone = createApiClient({ url: server.url });
    await laptop.signup({ email, password });
    await phone.login({ email, password });
    expect(await phone.auth.sessions.query()).toHaveLength(2);

    await laptop.logout({ allDevices: true });
    expect(appErrorCode(await rejection(phone.auth.me.query()))).toBe(AppErrorCode.RefreshInvalid);
    expect(await phone.session()).toBeNull();
    // Logging out again, already signed out, is a no-op.
    await expect(phone.logout()).resolves.toBeUndefined();
  });

  it('changePassword stores the new session it answers with: the next calls use it, with no refresh', async () => {
    const store = new MemoryTokenStore();
    const api = createApiClient({ url: server.url, store });
    const email = uniqueEmail('change');
    const password = strongPassword();
    await api.signup({ email, password });
    const before = await store.load();
    const newPassword = strongPassword();

    expect(await api.changePassword({ currentPassword: password, newPassword })).toMatchObject({ email });
    const after = await store.load();
    expect(sessionIdOf(after?.refreshToken ?? '')).not.toBe(sessionIdOf(before?.refreshToken ?? ''));
    expect(after?.accessToken).not.toBe(before?.accessToken);
    log.reset();
    expect(await api.auth.me.query()).toMatchObject({ email });
    expect(log.calls('auth.refresh')).toBe(0);
    // The stored refresh token is the new session's: it refreshes.
    await api.refresh();
    expect(await api.auth.me.query()).toMatchObject({ email });

    // The procedure called directly stores the new session too.
    const third = strongPassword();
    await api.auth.changePassword.mutate({ currentPassword: newPassword, newPassword: third });
    expect(sessionIdOf((await store.load())?.refreshToken ?? '')).not.toBe(sessionIdOf(after?.refreshToken ?? ''));
    log.reset();
    expect(await api.auth.me.query()).toMatchObject({ email });
    expect(log.calls('auth.refresh')).toBe(0);
    expect(await createApiClient({ url: server.url }).login({ email, password: third })).toMatchObject({ email });

    // A wrong current password keeps the session as it was.
    const kept = await store.load();
    const wrong = await rejection(api.changePassword({ currentPassword: `${third}x`, newPassword: strongPassword() }));
    expect(appErrorCode(wrong)).toBe(AppErrorCode.CurrentPasswordIncorrect);
    expect(await store.load()).toEqual(kept);
    expect(log.calls('auth.refresh')).toBe(0);
  });

  it('calls made while the password changes are answered with the new session, never by refreshing the old one', async () => {
    const api = createApiClient({ url: server.url });
    const email = uniqueEmail('change-race');
    const password = strongPassword();
    await api.signup({ email, password });
    log.reset();
    const change = api.changePassword({ currentPassword: password, newPassword: strongPassword() });
    // Sent in the next ticks, while the change is on its way: some reach the server before it
    // ends the old session, some after (401, then retried with the new token).
    const reads = Array.from({ length: 6 }, (_, i) => new Promise((r) => setTimeout(r, i * 5)).then(() => api.auth.me.query()));
    await change;
    const answers = await Promise.all(reads);
    expect(answers.every((me) => me.email === email)).toBe(true);
    expect(log.calls('auth.refresh')).toBe(0);
    expect(await api.auth.sessions.query()).toHaveLength(1);
  });

  it('works unbatched too', async () => {
    const api = createApiClient({ url: `${server.url}/trpc/`, batch: false });
    await api.signup({ email: uniqueEmail('unbatched'), password: strongPassword() });
    log.reset();
    const [me, page] = await Promise.all([api.auth.me.query(), api.people.list.query()]);
    expect(me.role).toBe('user');
    expect(page.items).toBeInstanceOf(Array);
    expect(log.requests.map((r) => r.paths)).toEqual(expect.arrayContaining([['auth.me'], ['people.list']]));
  });

  it('rejects, without hanging, when the server cannot be reached', async () => {
    const api = createApiClient({ url: 'http://127.0.0.1:9', timeoutMs: 5_000 });
    const error = await rejection(api.login({ email: 'a@example.com', password: 'x' }));
    expect(isApiClientError(error)).toBe(true);
    expect(isApiClientError(error) && error.data).toBeUndefined();
  });

  it('accepts the server origin or the tRPC endpoint as its URL', () => {
    expect(trpcEndpoint('http://localhost:3000')).toBe('http://localhost:3000/trpc');
    expect(trpcEndpoint('http://localhost:3000/')).toBe('http://localhost:3000/trpc');
    expect(trpcEndpoint('https://api.example.com/trpc/')).toBe('https://api.example.com/trpc');
  });
});
