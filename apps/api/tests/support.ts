import type { AuthResult, Person, User } from '@app/contracts';
import { type CallResult, strongPassword, type TestServer, trpcMutation, uniqueEmail } from '@app/server-testing';
import jwt from 'jsonwebtoken';
import { sql } from 'kysely';
import { expect } from 'vitest';

/** An account signed up over bearer transport, with its credentials and first session. */
export interface Account {
  email: string;
  password: string;
  user: User;
  accessToken: string;
  refreshToken: string;
  auth: AuthResult;
}

/** Signs up a fresh account (over bearer: tokens come back in the body). */
export async function signUp(
  server: TestServer,
  options: { email?: string; password?: string; headers?: Record<string, string> } = {},
): Promise<Account> {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? strongPassword();
  const res = await trpcMutation<AuthResult>(server.url, 'auth.signup', { email, password }, { headers: options.headers });
  expect(res.status, res.text).toBe(200);
  return { email, password, user: res.data.user, accessToken: res.data.accessToken, refreshToken: res.data.refreshToken, auth: res.data };
}

/** Logs an existing account in again: a new session. */
export async function logIn(server: TestServer, account: Pick<Account, 'email' | 'password'>, headers?: Record<string, string>) {
  const res = await trpcMutation<AuthResult>(server.url, 'auth.login', { email: account.email, password: account.password }, { headers });
  expect(res.status, res.text).toBe(200);
  return res.data;
}

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

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Claims of a well-formed access token for this user and session, valid for 15 minutes. */
export function accessClaims(userId: string, sessionId: string, role: 'user' | 'admin' = 'user'): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { typ: 'access', sub: userId, sid: sessionId, role, iss: 'app-api', aud: 'app-web', iat: now, exp: now + 900 };
}

/** Signs any claims (they are taken as they are: no defaults added). */
export function signToken(claims: Record<string, unknown>, secret: string, algorithm: jwt.Algorithm = 'HS256'): string {
  return jwt.sign(claims, secret, { algorithm, noTimestamp: true });
}

/** An unsigned token (`alg: none`), built by hand as an attacker would. */
export function unsignedToken(claims: Record<string, unknown>, alg = 'none'): string {
  return `${base64url({ alg, typ: 'JWT' })}.${base64url(claims)}.`;
}

/** The claims of a token, without verifying it. */
export function decodeClaims(token: string): { sub: string; sid: string; role: string; exp: number } {
  return jwt.decode(token) as { sub: string; sid: string; role: string; exp: number };
}

export function sessionIdOf(refreshToken: string): string {
  return refreshToken.split('.')[0] ?? '';
}

