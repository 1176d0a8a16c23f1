import { createTestDatabase, type TestDatabase } from '@app/server-testing';
import { CompiledQuery, sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparedMarker, preparedSql } from './prepared-statements';
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
    expect(() => preparedMarker('x */ select')).toThrow(/invalid/);
  });

  it('keeps two texts under one marker apart (an insert with other columns)', async () => {
    const db = database.handle.db;
    const run = (text: string, value: number) => db.executeQuery(CompiledQuery.raw(preparedSql('twin', text), [value]));
    expect((await run('select $1::int as n', 1)).rows).toEqual([{ n: 1 }]);
    expect((await run('select $1::int + 1 as n', 1)).rows).toEqual([{ n: 2 }]);
    expect((await run('select $1::int as n', 5)).rows).toEqual([{ n: 5 }]);
    if (database.kind === 'postgres') {
      const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements where name like 'twin_%'`.execute(db);
      expect(rows).toHaveLength(2);
    }
  });

  it('look sessions up by a prepared statement that sees every change at once', async () => {
    const db = database.handle.db;
    const user = await insertUser(db, { id: randomUUID(), email: `p-${randomUUID()}@example.com`, passwordHash: 'x', role: 'user' });
    const sessionId = randomUUID();
    const now = new Date();
    await insertSession(db, {
      id: sessionId,
      userId: user.id,
      tokenHash: 'h',
      createdAt: now,
      expiresAt: new Date(now.getTime() + 60_000),
      userAgent: null,
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
      expect(rows.map((r) => r.name)).toContainEqual(expect.stringMatching(/^session_principal_[0-9a-f]{12}$/));
    }
  });
});
