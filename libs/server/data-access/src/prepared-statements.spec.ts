import { createTestDatabase, type TestDatabase } from '@app/server-testing';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparedSql } from './prepared-statements';
import { findSessionPrincipal, insertSession, revokeSession } from './sessions/sessions.repository';
import { insertUser } from './users/users.repository';

describe('prepared statements', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    // One connection, so the statement prepared by one call is the one the next call reuses.
    database = await createTestDatabase(undefined, { poolMax: 1 });
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('marks SQL with a validated name', () => {
    expect(preparedSql('session_principal', ' select 1 ')).toBe('/* prepared:session_principal */ select 1');
    expect(() => preparedSql('Robert"); drop table users; --', 'select 1')).toThrow(/invalid/);
  });

  it('look sessions up by a prepared statement that sees every change at once', async () => {
    const db = database.handle.db;
    const user = await insertUser(db, { id: randomUUID(), email: `p-${randomUUID()}@example.com`, passwordHash: 'x', role: 'user' });
    const sessionId = randomUUID();
    const now = new Date();
    await insertSession(db, {
      id: sessionId,
      user_id: user.id,
      token_hash: 'h',
      prev_token_hash: null,
      rotated_at: null,
      created_at: now,
      last_used_at: now,
      expires_at: new Date(now.getTime() + 60_000),
      revoked_at: null,
      user_agent: null,
      ip: null,
    });

    const first = await findSessionPrincipal(db, sessionId);
    expect(first).toMatchObject({ sessionId, userId: user.id, email: user.email, role: 'user', revokedAt: null });
    expect(first?.expiresAt).toBeInstanceOf(Date);
    expect(await findSessionPrincipal(db, randomUUID())).toBeUndefined();

    // Revocation is visible to the very next lookup: a prepared plan caches no rows.
    await revokeSession(db, sessionId);
    expect((await findSessionPrincipal(db, sessionId))?.revokedAt).toBeInstanceOf(Date);

    if (database.kind === 'postgres') {
      const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(db);
      expect(rows.map((r) => r.name)).toContain('session_principal');
    }
  });
});
