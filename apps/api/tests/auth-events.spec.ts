import { AppErrorCode, type AuthEvent, type AuthEventsPage, type AuthEventType, type BearerAuthResult, type User } from '@app/contracts';
import { MailKind } from '@app/server-core';
import { periodicJobs } from '@app/server-http';
import {
  type Account,
  logIn,
  mailThrough,
  sessionIdOf,
  SmtpSink,
  signUp,
  startTestServer,
  strongPassword,
  type TestServer,
  trpcMutation,
  trpcQuery,
} from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectNoLeak, refuseEventsFrom, signUpAdmin } from './support';

const DAY = 24 * 3_600_000;
let server: TestServer;
let sink: SmtpSink;
beforeAll(async () => {
  sink = await SmtpSink.start();
  // Behind a (pretend) proxy on loopback, so each call can name its own client address and the
  // events show that they took the request's address, not a fixed one.
  server = await startTestServer({ config: { trustProxy: 'loopback', authEventRetentionMs: 30 * DAY, ...mailThrough(sink) } });
});
afterAll(async () => {
  await server?.close();
  await sink?.stop();
});

let clientCount = 0;
/** A distinct client: its own address and user agent. */
function client(): { ip: string; userAgent: string; headers: Record<string, string> } {
  clientCount += 1;
  const ip = `203.0.113.${clientCount}`;
  const userAgent = `EventsTest/${clientCount} (device ${clientCount})`;
  return { ip, userAgent, headers: { 'x-forwarded-for': ip, 'user-agent': userAgent } };
}

async function myEvents(token: string, input?: unknown): Promise<AuthEventsPage> {
  const res = await trpcQuery<AuthEventsPage>(server.url, 'auth.events', input, { token });
  expect(res.status, res.text).toBe(200);
  expectNoLeak(res.text);
  return res.data;
}

/** The newest event of this type in the user's list (through an admin's eyes, so any session of theirs may have ended). */
async function latest(admin: Account, userId: string, type: AuthEventType): Promise<AuthEvent | undefined> {
  const res = await trpcQuery<AuthEventsPage>(server.url, 'users.events', { userId, limit: 100 }, { token: admin.accessToken });
  expect(res.status, res.text).toBe(200);
  return res.data.items.find((event) => event.type === type);
}

function expectFrom(event: AuthEvent | undefined, from: { ip: string; userAgent: string }): AuthEvent {
  expect(event).toBeDefined();
  expect(event).toMatchObject({ ip: from.ip, userAgent: from.userAgent });
  expect(Date.now() - Date.parse((event as AuthEvent).createdAt)).toBeGreaterThanOrEqual(0);
  return event as AuthEvent;
}

describe('auth events: every kind is recorded with the request’s address and user agent', () => {
  let admin: Account;
  beforeAll(async () => {
    admin = await signUpAdmin(server);
  });

  it('signed_up and signed_in carry the new session', async () => {
    const at = client();
    const account = await signUp(server, { headers: at.headers });
    const signedUp = expectFrom((await myEvents(account.accessToken)).items.find((e) => e.type === 'signed_up'), at);
    expect(signedUp.detail).toEqual({ sessionId: sessionIdOf(account.refreshToken) });

    const phone = client();
    const login = await logIn(server, account, phone.headers);
    const signedIn = expectFrom((await myEvents(login.accessToken)).items[0], phone);
    expect(signedIn).toMatchObject({ type: 'signed_in', detail: { sessionId: sessionIdOf(login.refreshToken) } });
  });

  it('sign_in_failed for a wrong password of a known account (and nothing for an unknown email)', async () => {
    const account = await signUp(server);
    const attacker = client();
    const res = await trpcMutation(server.url, 'auth.login', { email: account.email, password: `${account.password}x` }, { headers: attacker.headers });
    expectError(res, 401, AppErrorCode.InvalidCredentials);
    // The refused sign-in answers without waiting for its event (see AuthEventRecorder): poll for it.
    await expect.poll(async () => (await myEvents(account.accessToken)).items.map((e) => e.type)).toContain('sign_in_failed');
    const failed = (await myEvents(account.accessToken)).items.find((e) => e.type === 'sign_in_failed');
    expectFrom(failed, attacker);
    expect(failed?.detail).toEqual({});
    // The attempted password is nowhere in the answer.
    const text = (await trpcQuery(server.url, 'auth.events', undefined, { token: account.accessToken })).text;
    expect(text).not.toContain(`${account.password}x`);

    const before = await server.services.db.selectFrom('auth_events').select('id').execute();
    expectError(await trpcMutation(server.url, 'auth.login', { email: `nobody-${Date.now()}@example.com`, password: strongPassword() }), 401);
    await server.services.authEventRecorder.flush();
    const after = await server.services.db.selectFrom('auth_events').select('id').execute();
    expect(after.length).toBe(before.length);
  });

  it('refresh_reuse_detected when an old refresh token comes back, with the replayer’s address', async () => {
    const account = await signUp(server);
    const first = await trpcMutation<BearerAuthResult>(server.url, 'auth.refresh', { refreshToken: account.refreshToken });
    const second = await trpcMutation<BearerAuthResult>(server.url, 'auth.refresh', { refreshToken: first.data.refreshToken });
    expect(second.status, second.text).toBe(200);
    const thief = client();
    expectError(await trpcMutation(server.url, 'auth.refresh', { refreshToken: account.refreshToken }, { headers: thief.headers }), 401, AppErrorCode.RefreshInvalid);
    const reuse = expectFrom(await latest(admin, account.user.id, 'refresh_reuse_detected'), thief);
    expect(reuse.detail).toEqual({ sessionId: sessionIdOf(account.refreshToken) });
    // Refreshing as such records nothing.
    const types = (await trpcQuery<AuthEventsPage>(server.url, 'users.events', { userId: account.user.id }, { token: admin.accessToken })).data.items.map((e) => e.type);
    expect(types).toEqual(['refresh_reuse_detected', 'signed_up']);
  });

  it('password_changed, with the new session and whether the other devices were signed out', async () => {
    const account = await signUp(server);
    const at = client();
    const res = await trpcMutation<BearerAuthResult>(
      server.url,
      'auth.changePassword',
      { currentPassword: account.password, newPassword: strongPassword(), signOutOtherDevices: false },
      { token: account.accessToken, headers: at.headers },
    );
    expect(res.status, res.text).toBe(200);
    const changed = expectFrom((await myEvents(res.data.accessToken)).items[0], at);
    expect(changed).toMatchObject({ type: 'password_changed', detail: { sessionId: sessionIdOf(res.data.refreshToken), otherSessionsEnded: false } });

    // A wrong current password changes nothing and records no change.
    const wrong = await trpcMutation(server.url, 'auth.changePassword', { currentPassword: 'Wrong#Pass1x', newPassword: strongPassword() }, { token: res.data.accessToken });
    expectError(wrong, 400, AppErrorCode.CurrentPasswordIncorrect);
    expect((await myEvents(res.data.accessToken)).items.filter((e) => e.type === 'password_changed')).toHaveLength(1);
  });

  it('session_revoked for one session ended from another device, signed_out for a sign-out (everywhere says so)', async () => {
    const account = await signUp(server);
    const laptop = await logIn(server, account);
    const at = client();
    const revoke = await trpcMutation(server.url, 'auth.revokeSession', { sessionId: sessionIdOf(laptop.refreshToken) }, { token: account.accessToken, headers: at.headers });
    expect(revoke.status, revoke.text).toBe(200);
    const revoked = expectFrom((await myEvents(account.accessToken)).items[0], at);
    expect(revoked).toMatchObject({ type: 'session_revoked', detail: { sessionId: sessionIdOf(laptop.refreshToken) } });

    const out = client();
    expect((await trpcMutation(server.url, 'auth.logout', { allDevices: true }, { token: account.accessToken, headers: out.headers })).status).toBe(200);
    const signedOut = expectFrom(await latest(admin, account.user.id, 'signed_out'), out);
    expect(signedOut.detail).toEqual({ sessionId: sessionIdOf(account.refreshToken), allDevices: true });

    // Signing out again with the ended session's token ends nothing and records nothing.
    expect((await trpcMutation(server.url, 'auth.logout', { allDevices: true }, { token: account.accessToken })).status).toBe(200);
    const all = (await trpcQuery<AuthEventsPage>(server.url, 'users.events', { userId: account.user.id }, { token: admin.accessToken })).data.items;
    expect(all.filter((e) => e.type === 'signed_out')).toHaveLength(1);
  });

  it('password_reset, from the request that used the link (asking for a link records nothing)', async () => {
    const account = await signUp(server);
    const asker = client();
    expect((await trpcMutation(server.url, 'auth.requestPasswordReset', { email: account.email }, { headers: asker.headers })).status).toBe(200);
    const mail = await sink.waitForMail(account.email, MailKind.passwordReset);
    const at = client();
    const res = await trpcMutation(server.url, 'auth.resetPassword', { token: mail.token, newPassword: strongPassword() }, { headers: at.headers });
    expect(res.status, res.text).toBe(200);
    const reset = expectFrom(await latest(admin, account.user.id, 'password_reset'), at);
    expect(reset.detail).toEqual({ otherSessionsEnded: true });
    const types = (await trpcQuery<AuthEventsPage>(server.url, 'users.events', { userId: account.user.id }, { token: admin.accessToken })).data.items.map((e) => e.type);
    expect(types).toEqual(['password_reset', 'signed_up']);
    // A used link changes nothing and records nothing more.
    expectError(await trpcMutation(server.url, 'auth.resetPassword', { token: mail.token, newPassword: strongPassword() }), 400);
    const again = (await trpcQuery<AuthEventsPage>(server.url, 'users.events', { userId: account.user.id }, { token: admin.accessToken })).data.items;
    expect(again.filter((e) => e.type === 'password_reset')).toHaveLength(1);
  });

  it('email_verified, from the request that opened the link, once', async () => {
    const account = await signUp(server);
    const mail = await sink.waitForMail(account.email, MailKind.emailVerification);
    const at = client();
    const res = await trpcMutation(server.url, 'auth.verifyEmail', { token: mail.token }, { headers: at.headers });
    expect(res.status, res.text).toBe(200);
    expectFrom((await myEvents(account.accessToken)).items[0], at);
    expect((await myEvents(account.accessToken)).items[0]?.type).toBe('email_verified');
    // Opening the link again succeeds and records nothing.
    expect((await trpcMutation(server.url, 'auth.verifyEmail', { token: mail.token })).status).toBe(200);
    expect((await myEvents(account.accessToken)).items.filter((e) => e.type === 'email_verified')).toHaveLength(1);
  });

  it('role_changed is the target’s event, from the admin’s request, with the roles and the admin', async () => {
    const target = await signUp(server);
    const at = client();
    const res = await trpcMutation<User>(server.url, 'users.setRole', { userId: target.user.id, role: 'admin' }, { token: admin.accessToken, headers: at.headers });
    expect(res.status, res.text).toBe(200);
    const changed = expectFrom(await latest(admin, target.user.id, 'role_changed'), at);
    expect(changed.detail).toEqual({ from: 'user', to: 'admin', byUserId: admin.user.id });
    // Setting the role it already has is no change.
    expect((await trpcMutation(server.url, 'users.setRole', { userId: target.user.id, role: 'admin' }, { token: admin.accessToken })).status).toBe(200);
    const again = await trpcQuery<AuthEventsPage>(server.url, 'users.events', { userId: target.user.id }, { token: admin.accessToken });
    expect(again.data.items.filter((e) => e.type === 'role_changed')).toHaveLength(1);
    // Nothing lands in the admin's own list.
    expect((await myEvents(admin.accessToken)).items.some((e) => e.type === 'role_changed')).toBe(false);
  });
});

describe('an event that cannot be written', () => {
  const UNWRITABLE = 'EventsTest/unwritable';
  refuseEventsFrom(() => server, UNWRITABLE);

  it('does not fail the sign-in it records: the session is written on its own and works', async () => {
    const account = await signUp(server);
    const login = await logIn(server, account, { 'user-agent': UNWRITABLE });
    const sessionId = sessionIdOf(login.refreshToken);

    const me = await trpcQuery<User>(server.url, 'auth.me', undefined, { token: login.accessToken });
    expect(me.status, me.text).toBe(200);
    const session = await server.services.db.selectFrom('sessions').select(['user_agent', 'revoked_at']).where('id', '=', sessionId).executeTakeFirst();
    expect(session).toEqual({ user_agent: UNWRITABLE, revoked_at: null });
    const events = (await myEvents(login.accessToken, { limit: 100 })).items;
    expect(events.map((e) => e.type)).toEqual(['signed_up']);

    // The next sign-in from another device records its event with its session, as always.
    const phone = client();
    const next = await logIn(server, account, phone.headers);
    const signedIn = expectFrom((await myEvents(next.accessToken)).items[0], phone);
    expect(signedIn).toMatchObject({ type: 'signed_in', detail: { sessionId: sessionIdOf(next.refreshToken) } });
  });
});

describe('who may read which events', () => {
  it('auth.events shows the caller only their own events, and takes no user id', async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    await logIn(server, bob);
    expectError(await trpcMutation(server.url, 'auth.login', { email: bob.email, password: 'Wrong#Pass1x' }), 401);
    await server.services.authEventRecorder.flush();

    const mine = await myEvents(alice.accessToken);
    expect(mine.items.map((e) => e.type)).toEqual(['signed_up']);
    expect(JSON.stringify(mine)).not.toContain(sessionIdOf(bob.refreshToken));
    // No way to ask for someone else's.
    expectError(await trpcQuery(server.url, 'auth.events', { userId: bob.user.id }, { token: alice.accessToken }), 400, AppErrorCode.InvalidInput);
    expect((await myEvents(bob.accessToken)).items.map((e) => e.type)).toEqual(['sign_in_failed', 'signed_in', 'signed_up']);
  });

  it('users.events is for admins: 403 for a user (even about themselves), 401 without a session, 404 for no such user', async () => {
    const user = await signUp(server);
    const other = await signUp(server);
    for (const userId of [other.user.id, user.user.id]) {
      expectError(await trpcQuery(server.url, 'users.events', { userId }, { token: user.accessToken }), 403, AppErrorCode.Forbidden);
    }
    expectError(await trpcQuery(server.url, 'users.events', { userId: other.user.id }), 401, AppErrorCode.Unauthenticated);

    const admin = await signUpAdmin(server);
    const res = await trpcQuery<AuthEventsPage>(server.url, 'users.events', { userId: other.user.id }, { token: admin.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(res.data.items.map((e) => e.type)).toEqual(['signed_up']);
    expectError(await trpcQuery(server.url, 'users.events', { userId: '00000000-0000-4000-8000-000000000000' }, { token: admin.accessToken }), 404, AppErrorCode.NotFound);
    expectError(await trpcQuery(server.url, 'users.events', { userId: 'not-a-uuid' }, { token: admin.accessToken }), 400, AppErrorCode.InvalidInput);
    // A cursor not issued is refused before the user is looked up, whoever the user is.
    expectError(await trpcQuery(server.url, 'users.events', { userId: '00000000-0000-4000-8000-000000000000', cursor: 'x' }, { token: admin.accessToken }), 400, AppErrorCode.InvalidInput);
  });
});

describe('paging', () => {
  it('pages newest first with the cursor, without overlap or gaps; a cursor not issued is a 400', async () => {
    const account = await signUp(server);
    for (let i = 0; i < 4; i++) await logIn(server, account);
    const all = (await myEvents(account.accessToken, { limit: 100 })).items;
    expect(all).toHaveLength(5);
    expect(all.map((e) => e.type)).toEqual(['signed_in', 'signed_in', 'signed_in', 'signed_in', 'signed_up']);

    const seen: AuthEvent[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const data = await myEvents(account.accessToken, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...data.items);
      if (data.nextCursor === null) break;
      cursor = data.nextCursor;
    }
    expect(seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
    const times = seen.map((e) => Date.parse(e.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    // Not issued: junk, a wrong shape, an id past bigint, a time in the year 10000 (a Date, but no timestamp the database reads).
    const inYear10000 = Buffer.from(`${Date.UTC(10000, 0, 1)}:0`).toString('base64url');
    for (const bad of ['x', Buffer.from('nope').toString('base64url'), Buffer.from('1:99999999999999999999').toString('base64url'), inYear10000]) {
      expectError(await trpcQuery(server.url, 'auth.events', { cursor: bad }, { token: account.accessToken }), 400, AppErrorCode.InvalidInput);
    }
    expectError(await trpcQuery(server.url, 'auth.events', { limit: 101 }, { token: account.accessToken }), 400, AppErrorCode.InvalidInput);
  });
});

describe('retention', () => {
  it('the periodic clean-up deletes events older than AUTH_EVENT_RETENTION and keeps the rest', async () => {
    const account = await signUp(server);
    const other = await signUp(server);
    const now = Date.now();
    const row = (userId: string, ageMs: number) => ({ user_id: userId, type: 'signed_in', created_at: new Date(now - ageMs), detail: '{}' });
    // Retention is 30 days here.
    await server.services.db
      .insertInto('auth_events')
      .values([row(account.user.id, 31 * DAY), row(account.user.id, 400 * DAY), row(other.user.id, 45 * DAY), row(account.user.id, 29 * DAY)])
      .execute();
    expect((await myEvents(account.accessToken, { limit: 100 })).items).toHaveLength(4);

    const job = periodicJobs(server.services).find((j) => j.name === 'auth event retention');
    expect(job?.everyMs).toBe(3_600_000);
    await job?.run();

    const left = (await myEvents(account.accessToken, { limit: 100 })).items;
    expect(left.map((e) => e.type)).toEqual(['signed_up', 'signed_in']);
    expect(left.every((e) => now - Date.parse(e.createdAt) < 30 * DAY)).toBe(true);
    expect((await myEvents(other.accessToken, { limit: 100 })).items.map((e) => e.type)).toEqual(['signed_up']);
    const old = await server.services.db.selectFrom('auth_events').select('id').where('created_at', '<', new Date(now - 30 * DAY)).execute();
    expect(old).toHaveLength(0);
  });

  it('events go with their user', async () => {
    const account = await signUp(server);
    await server.services.db.deleteFrom('users').where('id', '=', account.user.id).execute();
    const rows = await server.services.db.selectFrom('auth_events').select('id').where('user_id', '=', account.user.id).execute();
    expect(rows).toHaveLength(0);
  });
});
