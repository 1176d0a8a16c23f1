import { createTestDatabase, type TestDatabase } from '@app/server-testing';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser, updateUserRole } from '../users/users.repository';
import { LiveSessionCache } from './live-session-cache';
import { deleteEndedSessions, findSessionPrincipal, insertSession, revokeSession, saveRotation } from './sessions.repository';

let database: TestDatabase;
let cache: LiveSessionCache;
beforeAll(async () => {
  database = await createTestDatabase();
  cache = new LiveSessionCache(database.handle.db, database.handle);
  await until(() => cache.isServing);
});
afterAll(async () => {
  await cache?.close();
  await database?.dispose();
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function newSession(role: 'user' | 'admin' = 'user') {
  const db = database.handle.db;
  const user = await insertUser(db, { id: randomUUID(), email: `cache-${randomUUID()}@example.com`, passwordHash: 'x', role });
  const id = randomUUID();
  const now = new Date();
  await insertSession(db, { id, userId: user.id, tokenHash: 'h', createdAt: now, expiresAt: new Date(now.getTime() + 3_600_000), userAgent: null, ip: null });
  return { id, user };
}

/**
 * Revokes a session *without* the trigger firing (triggers off for this transaction, as a
 * replica applies changes): a change the cache cannot hear about, so a cache that still calls
 * the session live is answering from memory.
 */
async function revokeSilently(id: string): Promise<void> {
  await database.handle.db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await revokeSession(trx, id);
  });
}

describe('LiveSessionCache (the database notifies every change)', () => {
  it('answers from memory once a session was read', async () => {
    const { id } = await newSession();
    expect((await cache.find(id))?.revokedAt).toBeNull();
    await revokeSilently(id);
    expect((await cache.find(id))?.revokedAt).toBeNull();
    // What the database says, for comparison.
    expect((await findSessionPrincipal(database.handle.db, id))?.revokedAt).toBeInstanceOf(Date);
  });

  it('sees a revocation made elsewhere as soon as the notification arrives', async () => {
    const { id } = await newSession();
    expect((await cache.find(id))?.revokedAt).toBeNull();
    // Another connection, as another process would: the cache learns it only from NOTIFY.
    await revokeSession(database.handle.db, id);
    await until(async () => (await cache.find(id))?.revokedAt instanceof Date, 2_000);
  });

  it('drops every session of a user whose row changed (a role change)', async () => {
    const first = await newSession();
    const second = await newSession();
    await sql`update sessions set user_id = ${first.user.id} where id = ${second.id}`.execute(database.handle.db);
    await until(async () => (await cache.find(second.id))?.userId === first.user.id);
    expect((await cache.find(first.id))?.role).toBe('user');
    await updateUserRole(database.handle.db, first.user.id, 'admin');
    await until(async () => (await cache.find(first.id))?.role === 'admin' && (await cache.find(second.id))?.role === 'admin', 2_000);
  });

  it('forgets a deleted session', async () => {
    const { id } = await newSession();
    await revokeSession(database.handle.db, id, { at: new Date(Date.now() - 10 * 86_400_000) });
    expect(await cache.find(id)).toBeDefined();
    await deleteEndedSessions(database.handle.db, new Date(Date.now() - 86_400_000));
    await until(async () => (await cache.find(id)) === undefined, 2_000);
  });

  it('a rotation announces nothing: the cached entry stays', async () => {
    const { id } = await newSession();
    await cache.find(id);
    await revokeSilently(id);
    await database.handle.db.transaction().execute((trx) =>
      saveRotation(trx, id, { tokenHash: 'h2', prevTokenHash: 'h', generation: 1, rotatedAt: new Date(), ip: null, userAgent: null }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await cache.find(id))?.revokedAt).toBeNull();
  });

  it('re-reads an entry after maxAgeMs even without a notification', async () => {
    const shortLived = new LiveSessionCache(database.handle.db, database.handle, { maxAgeMs: 100 });
    try {
      await until(() => shortLived.isServing);
      const { id } = await newSession();
      await shortLived.find(id);
      await revokeSilently(id);
      expect((await shortLived.find(id))?.revokedAt).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect((await shortLived.find(id))?.revokedAt).toBeInstanceOf(Date);
    } finally {
      await shortLived.close();
    }
  });
});
