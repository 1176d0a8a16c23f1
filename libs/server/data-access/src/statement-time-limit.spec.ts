import { createTestDatabase, type TestDatabase } from '@app/server-testing';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database';
import { isDatabaseUnavailable } from './db-errors';
import { preparedSql, preparingPool } from './prepared-statements';

// PostgreSQL only (see vitest.config.mts): PGlite runs in process, with no connection to lose.
describe('the statement time limit', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let db: Kysely<Database>;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    // One connection: a statement can only be answered on a fresh one if the hung one was dropped.
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool, { queryTimeoutMs: 300 }) }) });
  });
  afterAll(async () => {
    await db?.destroy();
    await database?.dispose();
  });

  const backend = async () => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]?.pid;

  it('fails a statement with no answer in time as the database being unavailable (503), and never reuses its connection', async () => {
    const before = await backend();
    const failure = await sql`select pg_sleep(3)`.execute(db).then(
      () => 'answered',
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('Query read timeout');
    expect(isDatabaseUnavailable(failure)).toBe(true);

    // The next statement is answered on a new connection, not queued behind the sleeping one.
    const after = await backend();
    expect(after).toEqual(expect.any(Number));
    expect(after).not.toBe(before);
    expect(pool.totalCount).toBe(1);
  });

  it('answers statements, prepared or not, and passes their errors on as they are', async () => {
    const run = (text: string, value: number) => db.executeQuery(CompiledQuery.raw(preparedSql('limit_check', text), [value]));
    expect((await run('select $1::int as n', 7)).rows).toEqual([{ n: 7 }]);
    expect((await sql<{ n: number }>`select 2 as n`.execute(db)).rows).toEqual([{ n: 2 }]);
    const failure = await sql`select 1/0`.execute(db).then(
      () => 'answered',
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: '22012' });
    expect(isDatabaseUnavailable(failure)).toBe(false);
    expect((await run('select $1::int as n', 8)).rows).toEqual([{ n: 8 }]);
  });
});
