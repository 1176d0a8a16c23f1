import { AppErrorCode, type User, type UsersPage } from '@app/contracts';
import {
  type Account,
  BrowserLikeClient,
  logIn,
  signUp,
  startTestServer,
  type TestServer,
  trpcMutation,
  trpcQuery,
} from '@app/server-testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPerson, expectError, expectNoLeak, signUpAdmin } from './support';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const setRole = (token: string, userId: string, role: string) => trpcMutation<User>(server.url, 'users.setRole', { userId, role }, { token });
const me = (token: string) => trpcQuery<User>(server.url, 'auth.me', undefined, { token });

async function adminCount(): Promise<number> {
  const row = await server.services.db
    .selectFrom('users')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Leaves exactly one admin (a fresh account) in the database. */
async function soleAdmin(): Promise<Account> {
  await server.services.db.updateTable('users').set({ role: 'user' }).where('role', '=', 'admin').execute();
  const admin = await signUpAdmin(server);
  expect(await adminCount()).toBe(1);
  return admin;
}

describe('users.list', () => {
  it('is for admins only: 403 for a user, 401 for nobody', async () => {
    const user = await signUp(server);
    expectError(await trpcQuery(server.url, 'users.list', {}, { token: user.accessToken }), 403, AppErrorCode.Forbidden);
    expectError(await trpcQuery(server.url, 'users.list', {}), 401, AppErrorCode.Unauthenticated);
    // A 403 is not a 401: the session is intact.
    expect((await me(user.accessToken)).status).toBe(200);
  });

  it.each([1, 4, 100])('pages through every user exactly once, ordered by email (limit %i)', async (limit) => {
    const admin = await signUpAdmin(server);
    for (let i = 0; i < 6; i++) await signUp(server);
    // One verified address among them: the list shows each user's state.
    await server.services.db.updateTable('users').set({ email_verified_at: new Date() }).where('id', '=', admin.user.id).execute();
    const rows = await server.services.db.selectFrom('users').select(['id', 'email', 'role', 'email_verified_at']).execute();
    const expected = rows.map(({ email_verified_at, ...user }) => ({ ...user, emailVerified: email_verified_at !== null }));
    expect(expected.filter((u) => u.emailVerified).map((u) => u.id)).toContain(admin.user.id);

    const seen: User[] = [];
    let cursor: string | null | undefined;
    for (let guard = 0; guard < 200; guard++) {
      const res = await trpcQuery<UsersPage>(server.url, 'users.list', { limit, ...(cursor ? { cursor } : {}) }, { token: admin.accessToken });
      expect(res.status, res.text).toBe(200);
      expectNoLeak(res.text);
      expect(res.data.items.length).toBeLessThanOrEqual(limit);
      for (const item of res.data.items) expect(Object.keys(item).sort()).toEqual(['email', 'emailVerified', 'id', 'role']);
      seen.push(...res.data.items);
      cursor = res.data.nextCursor;
      if (cursor === null) break;
    }
    expect(cursor).toBeNull();
    expect(new Set(seen.map((u) => u.id)).size).toBe(seen.length);
    const byEmail = (a: { email: string }, b: { email: string }) => Buffer.compare(Buffer.from(a.email), Buffer.from(b.email));
    expect(seen).toEqual([...expected].sort(byEmail));
  });

  it('refuses an invalid cursor and an out-of-range limit (400)', async () => {
    const admin = await signUpAdmin(server);
    expectError(await trpcQuery(server.url, 'users.list', { cursor: 'garbage' }, { token: admin.accessToken }), 400, AppErrorCode.InvalidInput);
    expectError(await trpcQuery(server.url, 'users.list', { limit: 101 }, { token: admin.accessToken }), 400, AppErrorCode.InvalidInput);
    expectError(await trpcQuery(server.url, 'users.list', { limit: 0 }, { token: admin.accessToken }), 400, AppErrorCode.InvalidInput);
  });
});

describe('users.setRole', () => {
  it('promotes a user: their old sessions are refused at once; a new login carries the new role', async () => {
    const admin = await signUpAdmin(server);
    const user = await signUp(server);
    const browser = new BrowserLikeClient(server.url);
    await browser.mutation('auth.login', { email: user.email, password: user.password });

    const res = await setRole(admin.accessToken, user.user.id, 'admin');
    expect(res.status, res.text).toBe(200);
    expect(res.data).toEqual({ ...user.user, role: 'admin' });

    expectError(await me(user.accessToken), 401, AppErrorCode.SessionRevoked);
    expectError(await trpcMutation(server.url, 'auth.refresh', { refreshToken: user.refreshToken }), 401, AppErrorCode.RefreshInvalid);
    expectError(await browser.query('auth.me'), 401, AppErrorCode.SessionRevoked);
    expectError(await browser.mutation('auth.refresh'), 401, AppErrorCode.RefreshInvalid);

    const again = await logIn(server, user);
    expect(again.user.role).toBe('admin');
    const person = await createPerson(server, again.accessToken, 'Now', 'Deletable');
    expect((await trpcMutation(server.url, 'people.delete', { id: person.id }, { token: again.accessToken })).status).toBe(200);
    // The admin who made the change keeps their session.
    expect((await me(admin.accessToken)).status).toBe(200);
  });

  it('demotes an admin: their admin sessions are refused, and the next login is a plain user', async () => {
    const boss = await signUpAdmin(server);
    const other = await signUpAdmin(server);
    const res = await setRole(boss.accessToken, other.user.id, 'user');
    expect(res.status, res.text).toBe(200);
    expect(res.data.role).toBe('user');
    expectError(await me(other.accessToken), 401, AppErrorCode.SessionRevoked);
    const again = await logIn(server, other);
    expect(again.user.role).toBe('user');
    expectError(await trpcQuery(server.url, 'users.list', {}, { token: again.accessToken }), 403, AppErrorCode.Forbidden);
  });

  it('is for admins only: a user gets 403 and nothing changes', async () => {
    const user = await signUp(server);
    const res = await setRole(user.accessToken, user.user.id, 'admin');
    expectError(res, 403, AppErrorCode.Forbidden);
    expect((await me(user.accessToken)).data.role).toBe('user');
    expectError(await trpcMutation(server.url, 'users.setRole', { userId: user.user.id, role: 'admin' }), 401, AppErrorCode.Unauthenticated);
  });

  it('refuses bad input (400) and an unknown user (404)', async () => {
    const admin = await signUpAdmin(server);
    const user = await signUp(server);
    expectError(await setRole(admin.accessToken, 'not-a-uuid', 'admin'), 400, AppErrorCode.InvalidInput);
    expectError(await setRole(admin.accessToken, user.user.id, 'owner'), 400, AppErrorCode.InvalidInput);
    expectError(await setRole(admin.accessToken, crypto.randomUUID(), 'admin'), 404, AppErrorCode.NotFound);
    expect((await me(user.accessToken)).data.role).toBe('user');
  });
});

describe('the last admin', () => {
  it('cannot be demoted; once there is another admin they can step down', async () => {
    const first = await soleAdmin();
    const refused = await setRole(first.accessToken, first.user.id, 'user');
    expectError(refused, 400, AppErrorCode.InvalidInput);
    expect(refused.error?.message).toMatch(/last admin/i);
    // Nothing changed: still an admin, session still live.
    expect((await me(first.accessToken)).data.role).toBe('admin');
    expect(await adminCount()).toBe(1);

    const second = await signUp(server);
    expect((await setRole(first.accessToken, second.user.id, 'admin')).status).toBe(200);
    const stepDown = await setRole(first.accessToken, first.user.id, 'user');
    expect(stepDown.status, stepDown.text).toBe(200);
    expectError(await me(first.accessToken), 401, AppErrorCode.SessionRevoked);

    const secondAdmin = await logIn(server, second);
    expectError(await setRole(secondAdmin.accessToken, second.user.id, 'user'), 400, AppErrorCode.InvalidInput);
    expect(await adminCount()).toBe(1);
  });

  it('two admins demoting each other at once: never both succeed, one admin remains', async () => {
    const a = await soleAdmin();
    const b = await signUpAdmin(server);
    expect(await adminCount()).toBe(2);
    const results = await Promise.all([setRole(a.accessToken, b.user.id, 'user'), setRole(b.accessToken, a.user.id, 'user')]);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expect([400, 401]).toContain(r.status);
    expect(statuses.every((s) => s < 500)).toBe(true);
    expect(await adminCount()).toBe(1);
  });
});

describe('ensureAdmin (ADMIN_EMAIL + ADMIN_PASSWORD at start-up)', () => {
  it('creates a missing admin, who can then sign in as admin', async () => {
    const email = `boss.${crypto.randomUUID()}@example.com`;
    const result = await server.services.users.ensureAdmin(email, 'Vx7#kQ9!mZ-boss');
    // The operator vouches for the address: it counts as verified.
    expect(result).toMatchObject({ outcome: 'created', user: { email, role: 'admin', emailVerified: true } });
    const login = await logIn(server, { email, password: 'Vx7#kQ9!mZ-boss' });
    expect(login.user).toMatchObject({ role: 'admin', emailVerified: true });
  });

  it('promotes an existing user, sets the given password and ends their old sessions', async () => {
    const user = await signUp(server);
    const result = await server.services.users.ensureAdmin(user.email, 'Vx7#kQ9!mZ-promoted');
    expect(user.user.emailVerified).toBe(false);
    expect(result).toMatchObject({ outcome: 'promoted', user: { id: user.user.id, role: 'admin', emailVerified: true } });
    expectError(await me(user.accessToken), 401, AppErrorCode.SessionRevoked);
    expectError(await trpcMutation(server.url, 'auth.login', { email: user.email, password: user.password }), 401, AppErrorCode.InvalidCredentials);
    const login = await logIn(server, { email: user.email, password: 'Vx7#kQ9!mZ-promoted' });
    expect(login.user.role).toBe('admin');
  });

  it('leaves an existing admin (and their sessions) alone', async () => {
    const admin = await signUpAdmin(server);
    const result = await server.services.users.ensureAdmin(admin.email, admin.password);
    expect(result.outcome).toBe('already admin');
    expect((await me(admin.accessToken)).data.role).toBe('admin');
  });
});
