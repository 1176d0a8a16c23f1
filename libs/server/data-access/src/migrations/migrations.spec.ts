import { createTestDatabase, type TestDatabase } from '@app/server-testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('keep rate-limit counters out of the write-ahead log, and everything else in it', async () => {
    const { rows } = await sql<{ relname: string; relpersistence: string }>`
      select relname, relpersistence from pg_class
      where relname in ('rate_limits', 'users', 'sessions', 'people') order by relname`.execute(database.handle.db);
    expect(rows).toEqual([
      { relname: 'people', relpersistence: 'p' },
      { relname: 'rate_limits', relpersistence: 'u' },
      { relname: 'sessions', relpersistence: 'p' },
      { relname: 'users', relpersistence: 'p' },
    ]);
  });
});
