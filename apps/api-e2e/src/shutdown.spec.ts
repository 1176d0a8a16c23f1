import {
  ApiProcess,
  createTestDatabase,
  sleep,
  strongPassword,
  TEST_JWT_SECRET,
  type TestDatabase,
  testDbKind,
  uniqueEmail,
} from '@app/server-testing';
import { sql } from 'kysely';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Shutdown waits for calls, not only for connections: a client that hangs up leaves its call
 * running, and the database must stay open until it ends. PostgreSQL only: the test holds a table
 * lock so that the call is caught mid-way, and sees it wait in `pg_stat_activity`.
 */
describe.runIf(testDbKind() === 'postgres')('shutting down while a call runs for a client that hung up', () => {
  let database: TestDatabase;
  let api: ApiProcess;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    api = await ApiProcess.start({ databaseUrl: database.url, jwtSecret: TEST_JWT_SECRET, env: { LOG_LEVEL: 'info' } });
  });

  afterAll(async () => {
    await api?.stop();
    await database?.dispose();
  });

  it('SIGTERM while a signup waits on the database: the signup completes, its event is recorded, and the process exits 0', async () => {
    const email = uniqueEmail('shutdown');
    const body = JSON.stringify({ email, password: strongPassword() });
    const exit = await database.handle.db.connection().execute(async (conn) => {
      // The signup reads users freely but its insert waits for this lock.
      await sql`begin`.execute(conn);
      await sql`lock table users in share row exclusive mode`.execute(conn);

      const call = request(`${api.url}/trpc/auth.signup`, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      call.on('error', () => undefined);
      call.end(body);
      for (let waited = 0; ; waited += 50) {
        const { rows } = await sql<{ waiting: number }>`
          select count(*)::int as waiting from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`.execute(conn);
        if ((rows[0]?.waiting ?? 0) > 0) break;
        if (waited > 20_000) throw new Error('the signup never reached its insert');
        await sleep(50);
      }

      // The client hangs up, then the process is told to stop.
      call.destroy();
      const exited = api.stop(60_000);
      await api.waitForLog(/shutting down/);
      // Long enough for a server that only waited for connections to have closed its database.
      await sleep(500);
      await sql`commit`.execute(conn);
      return exited;
    });

    expect(exit.code).toBe(0);
    const user = await database.handle.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    expect(user).toBeDefined();
    const events = await database.handle.db
      .selectFrom('auth_events')
      .select('type')
      .where('user_id', '=', user?.id ?? '')
      .execute();
    expect(events.map((event) => event.type)).toEqual(['signed_up']);
    expect(api.log).not.toMatch(/auth event not recorded|procedure failed|unhandled rejection/);
    expect(api.log).toMatch(/"msg":"stopped"/);
  }, 120_000);
});
