import type { Person } from '@app/contracts';
import { type Account, type CallResult, logIn, signUp, type TestServer, trpcMutation } from '@app/server-testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect } from 'vitest';

/**
 * An admin account: signed up, promoted directly in the database (there is no public way to
 * become the first admin), then logged in again so its token is fresh.
 */
export async function signUpAdmin(server: TestServer): Promise<Account> {
  const account = await signUp(server);
  await server.services.db.updateTable('users').set({ role: 'admin' }).where('id', '=', account.user.id).execute();
  const auth = await logIn(server, account);
  return { ...account, user: auth.user, accessToken: auth.accessToken, refreshToken: auth.refreshToken, auth };
}

/**
 * For the tests of the `describe` block it is called in: the database refuses any auth event
 * from this user agent, whatever statement carries it (a sign-in's own included).
 */
export function refuseEventsFrom(server: () => TestServer, userAgent: string): void {
  beforeAll(async () => {
    await sql`create function refuse_unwritable_event() returns trigger language plpgsql as $$
      begin
        if new.user_agent = ${sql.lit(userAgent)} then raise exception 'this event cannot be written'; end if;
        return new;
      end $$`.execute(server().services.db);
    await sql`create trigger refuse_unwritable_event before insert on auth_events
      for each row execute function refuse_unwritable_event()`.execute(server().services.db);
  });
  afterAll(async () => {
    await sql`drop trigger refuse_unwritable_event on auth_events`.execute(server().services.db);
    await sql`drop function refuse_unwritable_event()`.execute(server().services.db);
  });
}

export async function countRows(server: TestServer, table: 'users' | 'sessions' | 'people' | 'rate_limits'): Promise<number> {
  const row = await server.services.db
    .selectFrom(table)
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function countUsersWithEmail(server: TestServer, email: string): Promise<number> {
  const row = await server.services.db
    .selectFrom('users')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function createPerson(server: TestServer, token: string, firstName: string, lastName: string): Promise<Person> {
  const res = await trpcMutation<Person>(server.url, 'people.create', { firstName, lastName }, { token });
  expect(res.status, res.text).toBe(200);
  return res.data;
}

/** Asserts a tRPC error with this HTTP status (and app code), and that the body leaks nothing. */
export function expectError(res: CallResult, status: number, appCode?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.error, res.text).toBeDefined();
  expect(res.error?.data.httpStatus).toBe(status);
  if (appCode !== undefined) expect(res.error?.data.appCode, res.text).toBe(appCode);
  expect(typeof res.error?.message).toBe('string');
  expect(res.error?.message.length).toBeGreaterThan(0);
  expectNoLeak(res.text);
}

/** An error or success body must never carry a stack, SQL, or a password hash. */
export function expectNoLeak(text: string): void {
  expect(text).not.toMatch(/"stack"/);
  expect(text).not.toMatch(/\bat [\w.<>]+ \(|node:internal|\.ts:\d+|\.js:\d+/);
  expect(text).not.toMatch(/\b(select|insert into|update|delete from)\b[^"]*\b(from|values|set|where)\b/i);
  expect(text).not.toMatch(/password_hash|passwordHash|\$2[aby]\$\d\d\$/);
  expect(text).not.toMatch(/SQLSTATE|duplicate key|violates|relation "/i);
}

export function fieldErrors(res: CallResult): Record<string, string[] | undefined> {
  return res.error?.data.zodError?.fieldErrors ?? {};
}

/** Claims of a well-formed access token for this user and session, valid for 15 minutes. */
export function accessClaims(userId: string, sessionId: string, role: 'user' | 'admin' = 'user'): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { typ: 'access', sub: userId, sid: sessionId, role, iss: 'app-api', aud: 'app-web', iat: now, exp: now + 900 };
}
