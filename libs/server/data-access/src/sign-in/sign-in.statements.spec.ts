import { countsAfterOneMore, createTestDatabase, type TestDatabase, threeCounters } from '@app/server-testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NewAuthEvent } from '../auth-events/auth-events.repository';
import { PostgresRateLimitStore } from '../rate-limits/rate-limit.store';
import { type NewSession } from '../sessions/sessions.repository';
import { insertUser } from '../users/users.repository';
import { countHitsAndFindCredentials, insertSignIn } from './sign-in.statements';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.dispose();
});

async function newAccount() {
  const email = `sign-in-${randomUUID()}@example.com`;
  return insertUser(database.handle.db, { id: randomUUID(), email, passwordHash: '$2b$04$not-a-real-hash', role: 'user' });
}

/** The counters' store these statements write to: rows of the same database. */
const databaseCounters = () => new PostgresRateLimitStore(database.handle.db);

function newSession(userId: string, id: string = randomUUID()): NewSession {
  const now = new Date();
  return { id, userId, tokenHash: `hash-${id}`, createdAt: now, expiresAt: new Date(now.getTime() + 3_600_000), userAgent: 'SignInTest/1', ip: '198.51.100.7' };
}

function signedIn(userId: string, sessionId: string): NewAuthEvent {
  return { userId, type: 'signed_in', at: new Date(), ip: '198.51.100.7', userAgent: 'SignInTest/1', detail: { sessionId } };
}

async function eventsOf(userId: string): Promise<string[]> {
  const rows = await database.handle.db.selectFrom('auth_events').select('type').where('user_id', '=', userId).execute();
  return rows.map((row) => row.type);
}

describe('counting a sign-in and reading its account in one statement', () => {
  it('counts each counter in turn, as the store does, and answers the account with its password hash', async () => {
    const account = await newAccount();
    const counts = threeCounters();
    const first = await countHitsAndFindCredentials(database.handle.db, counts, account.email);
    expect(first.hits.map((hit) => hit.count)).toEqual([1, 1, 1]);
    expect(first.hits[0]?.resetAt.getTime()).toBeGreaterThan(Date.now() + 59_000);
    expect(first.credentials).toEqual({ ...account, passwordHash: '$2b$04$not-a-real-hash' });
    expect((await countHitsAndFindCredentials(database.handle.db, counts, account.email)).hits.map((hit) => hit.count)).toEqual([2, 2, 2]);
  });

  it('stops after the first counter over its limit, and still answers the account', async () => {
    const account = await newAccount();
    const counts = threeCounters();
    await countHitsAndFindCredentials(database.handle.db, counts, account.email);
    await countHitsAndFindCredentials(database.handle.db, counts, account.email);
    const third = await countHitsAndFindCredentials(database.handle.db, counts, account.email);
    // The second counter (max 2) goes over; the third is left alone.
    expect(third.hits.map((hit) => hit.count)).toEqual([3, 3]);
    expect(third.credentials?.id).toBe(account.id);
    expect(await countsAfterOneMore(databaseCounters(), counts)).toEqual([4, 4, 3]);
  });

  it('answers no account for an email nobody has, and counts it all the same', async () => {
    const counts = threeCounters();
    const result = await countHitsAndFindCredentials(database.handle.db, counts, `nobody-${randomUUID()}@example.com`);
    expect(result).toEqual({ hits: [expect.objectContaining({ count: 1 }), expect.objectContaining({ count: 1 }), expect.objectContaining({ count: 1 })], credentials: undefined });
  });

  it('refuses a call that counts nothing, rather than reading an account unlimited', async () => {
    await expect(countHitsAndFindCredentials(database.handle.db, [], 'anyone@example.com')).rejects.toThrow('at least one rate limit');
  });
});

describe("writing a sign-in's session and event in one statement", () => {
  it('writes both and clears the counters it is given, and no other', async () => {
    const account = await newAccount();
    const counts = threeCounters();
    await countHitsAndFindCredentials(database.handle.db, counts, account.email);
    const session = newSession(account.id);
    await insertSignIn(database.handle.db, session, signedIn(account.id, session.id), [counts[1]?.key ?? '', counts[2]?.key ?? '']);
    const stored = await database.handle.db.selectFrom('sessions').select(['user_id', 'token_hash']).where('id', '=', session.id).executeTakeFirst();
    expect(stored).toEqual({ user_id: account.id, token_hash: session.tokenHash });
    expect(await eventsOf(account.id)).toEqual(['signed_in']);
    expect(await countsAfterOneMore(databaseCounters(), counts)).toEqual([2, 1, 1]);
  });

  it('without counters to clear, writes the two rows and touches no counter', async () => {
    const account = await newAccount();
    const counts = threeCounters();
    await countHitsAndFindCredentials(database.handle.db, counts, account.email);
    const session = newSession(account.id);
    await insertSignIn(database.handle.db, session, signedIn(account.id, session.id));
    expect(await eventsOf(account.id)).toEqual(['signed_in']);
    expect(await countsAfterOneMore(databaseCounters(), counts)).toEqual([2, 2, 2]);
  });

  it('writes nothing and clears nothing when the database refuses any part of it', async () => {
    const account = await newAccount();
    const counts = threeCounters();
    await countHitsAndFindCredentials(database.handle.db, counts, account.email);
    const taken = newSession(account.id);
    await insertSignIn(database.handle.db, taken, signedIn(account.id, taken.id));
    // The same session id again: the session's insert is refused, so the whole statement is.
    const again = newSession(account.id, taken.id);
    await expect(insertSignIn(database.handle.db, again, signedIn(account.id, again.id), [counts[1]?.key ?? ''])).rejects.toThrow();
    expect(await eventsOf(account.id)).toEqual(['signed_in']);
    expect(await countsAfterOneMore(databaseCounters(), counts)).toEqual([2, 2, 2]);
  });
});
