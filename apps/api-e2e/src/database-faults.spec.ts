import { AppErrorCode, ErrorMessages } from '@app/contracts';
import { ApiProcess, createTestDatabase, sessionIdOf, signUp, sleep, TEST_JWT_SECRET, type TestDatabase, testDbKind, trpcMutation, trpcQuery } from '@app/server-testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/concurrency';
import { type LoadRecord, runMixedLoad, type Sample } from './support/mixed-load';
import { TcpProxy } from './support/tcp-proxy';

/**
 * The database goes away under load and comes back. The API (the built server, its own process)
 * reaches PostgreSQL through a TCP proxy this test controls, so the shared server is never touched;
 * `pg_terminate_backend` is used only on this test's own database.
 */

function postgresTarget(): { host: string; port: number } {
  const url = new URL(process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test');
  return { host: url.hostname, port: Number(url.port || 5432) };
}

function viaProxy(databaseUrl: string, port: number): string {
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

function summarize(samples: Sample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of samples) {
    const key = s.networkError ? 'no answer' : String(s.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** What must hold in the tables after any outage: nothing half-written. `loads`: every load run on this database. */
async function expectNothingHalfWritten(database: TestDatabase, loads: LoadRecord[]): Promise<void> {
  const load: LoadRecord = { samples: [], creates: loads.flatMap((l) => l.creates), signups: loads.flatMap((l) => l.signups) };
  const db = database.handle.db;
  // Signup writes the user and its first session in one transaction.
  const orphans = await sql<{ n: number }>`select count(*)::int as n from users u where not exists (select 1 from sessions s where s.user_id = u.id)`.execute(db);
  expect(orphans.rows[0]?.n, 'users without a session').toBe(0);
  // A rotation writes the new hash, the previous hash, the time and the generation together.
  const torn = await sql<{ n: number }>`
    select count(*)::int as n from sessions
    where (generation = 0) <> (prev_token_hash is null) or (generation = 0) <> (rotated_at is null)`.execute(db);
  expect(torn.rows[0]?.n, 'sessions with a half-saved rotation').toBe(0);

  const people = await sql<{ first_name: string; last_name: string }>`select first_name, last_name from people`.execute(db);
  const stored = new Map<string, number>();
  for (const p of people.rows) stored.set(`${p.first_name}|${p.last_name}`, (stored.get(`${p.first_name}|${p.last_name}`) ?? 0) + 1);
  const sent = new Map(load.creates.map((c) => [`${c.firstName}|${c.lastName}`, c.status]));
  for (const [key, count] of stored) {
    expect(sent.has(key), `a stored person nobody created: ${key}`).toBe(true);
    expect(count, `person stored twice: ${key}`).toBe(1);
  }
  for (const c of load.creates.filter((c) => c.status === 200)) {
    expect(stored.has(`${c.firstName}|${c.lastName}`), `acknowledged create lost: ${c.firstName} ${c.lastName}`).toBe(true);
  }
  const users = await sql<{ email: string }>`select email from users`.execute(db);
  const emails = new Set(users.rows.map((u) => u.email));
  for (const s of load.signups.filter((s) => s.status === 200)) expect(emails.has(s.email), `acknowledged signup lost: ${s.email}`).toBe(true);
}

function expect503sAreClear(samples: Sample[]): void {
  for (const s of samples.filter((s) => s.status === 503)) {
    expect(s.appCode).toBe(AppErrorCode.DatabaseUnavailable);
    expect(s.message).toBe(ErrorMessages.dbUnavailable);
    expect(Number(s.retryAfter)).toBeGreaterThan(0);
  }
}

describe.runIf(testDbKind() === 'postgres')('database faults (PostgreSQL behind a TCP proxy)', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let api: ApiProcess;
  const loads: LoadRecord[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    proxy = await TcpProxy.start(postgresTarget());
    // Behind a (simulated) load balancer: each load client has its own address for the per-IP limits.
    // The load clients write as fast as they can: the per-user write limit is lifted, outages are the subject here.
    api = await ApiProcess.start({
      databaseUrl: viaProxy(database.url as string, proxy.port),
      jwtSecret: TEST_JWT_SECRET,
      env: { TRUST_PROXY: '1', RATE_LIMIT_WRITES_PER_USER: '1000000/1m' },
    });
  });

  afterAll(async () => {
    await api?.stop();
    await proxy?.close();
    await database?.dispose();
  });

  it('cut in the middle of a load: 503 with a clear message, no crash, recovery when it returns, nothing half-written', async () => {
    let stop = false;
    const loadStarted = Date.now();
    const load = runMixedLoad(() => api.url, 8, () => stop);

    await sleep(2_500);
    const cutAt = Date.now();
    await proxy.cut();
    await sleep(500);
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', message: ErrorMessages.dbUnavailable });
    await sleep(2_500);

    const restoredAt = Date.now();
    await proxy.restore();
    await waitFor('readiness after the outage', async () => ((await fetch(`${api.url}/readyz`)).status === 200 ? true : undefined), 15_000, 100);
    const readyAt = Date.now();
    await sleep(3_000);
    stop = true;
    const record = await load;
    loads.push(record);

    const before = record.samples.filter((s) => s.at < cutAt);
    const during = record.samples.filter((s) => s.at >= cutAt && s.at < restoredAt);
    const after = record.samples.filter((s) => s.at >= readyAt + 1_000);
    console.log(
      `[faults] proxy cut for ${restoredAt - cutAt} ms under 8 clients; ready again ${readyAt - restoredAt} ms after restore. ` +
        `Before: ${JSON.stringify(summarize(before))}, during: ${JSON.stringify(summarize(during))}, ` +
        `from 1 s after ready: ${JSON.stringify(summarize(after))}; ${record.samples.length} requests in ${Date.now() - loadStarted} ms`,
    );

    expect(api.alive).toBe(true);
    // Every answer is a success or a clean 503; the process always answered.
    expect(record.samples.filter((s) => s.networkError || (s.status !== 200 && s.status !== 503))).toEqual([]);
    expect503sAreClear(record.samples);
    expect(during.filter((s) => s.status === 503).length).toBeGreaterThan(0);
    expect(before.length).toBeGreaterThan(0);
    // Once ready again, everything works: including refreshes of tokens rotated just before the cut.
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((s) => s.status !== 200)).toEqual([]);
    await expectNothingHalfWritten(database, loads);
  });

  it('its own database connections terminated (pg_terminate_backend) under load: 200 or 503, never a crash, then normal', async () => {
    let stop = false;
    const load = runMixedLoad(() => api.url, 8, () => stop);
    await sleep(1_500);
    const name = new URL(database.url as string).pathname.slice(1);
    let terminated = 0;
    for (let i = 0; i < 5; i++) {
      // Only backends of this test's own database, never anyone else's.
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from (
          select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()
        ) t`.execute(database.handle.db);
      terminated += rows[0]?.n ?? 0;
      await sleep(300);
    }
    const lastKill = Date.now();
    await sleep(3_000);
    stop = true;
    const record = await load;
    loads.push(record);
    const after = record.samples.filter((s) => s.at > lastKill + 1_500);
    console.log(`[faults] terminated ${terminated} backends in 5 rounds under 8 clients: ${JSON.stringify(summarize(record.samples))}; from 1.5 s after the last: ${JSON.stringify(summarize(after))}`);

    expect(terminated).toBeGreaterThan(0);
    expect(api.alive).toBe(true);
    expect(record.samples.filter((s) => s.networkError || (s.status !== 200 && s.status !== 503))).toEqual([]);
    expect503sAreClear(record.samples);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((s) => s.status !== 200)).toEqual([]);
    await expectNothingHalfWritten(database, loads);
  });
});

describe.runIf(testDbKind() === 'postgres')('start-up with the database down', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let api: ApiProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    proxy = await TcpProxy.closed(postgresTarget());
  });

  afterAll(async () => {
    await api?.stop();
    await proxy?.close();
    await database?.dispose();
  });

  it('waits with a clear "waiting for the database" log line, keeps retrying, and becomes ready when it comes back', async () => {
    api = await ApiProcess.start({ databaseUrl: viaProxy(database.url as string, proxy.port), jwtSecret: TEST_JWT_SECRET }, { waitReady: false });
    const line = await api.waitForLog(/"msg":"waiting for the database[^"]*"/, 15_000);
    expect(line).toContain(`127.0.0.1:${proxy.port}`);
    // It keeps waiting rather than dying.
    await sleep(2_500);
    expect(api.alive).toBe(true);
    const attempts = api.log.match(/waiting for the database/g)?.length ?? 0;
    expect(attempts).toBeGreaterThanOrEqual(2);

    const restoredAt = Date.now();
    await proxy.restore();
    await api.waitUntilListening(30_000);
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    console.log(`[faults] start-up with the database down: ${attempts} "waiting for the database" lines, listening ${Date.now() - restoredAt} ms after it came back`);
    expect(api.log).not.toMatch(/Start-up failed/);
  });
});

describe.runIf(testDbKind() === 'postgres')('the live-session cache loses its listening connection', () => {
  let database: TestDatabase;
  let api: ApiProcess;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    api = await ApiProcess.start({ databaseUrl: database.url as string, jwtSecret: TEST_JWT_SECRET });
  });

  afterAll(async () => {
    await api?.stop();
    await database?.dispose();
  });

  const me = (token: string) => trpcQuery(api.url, 'auth.me', undefined, { token });

  /** Revokes a session with the change triggers off for this transaction: no notification is sent. */
  async function revokeSilently(sessionId: string): Promise<void> {
    await database.handle.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update sessions set revoked_at = now() where id = ${sessionId}`.execute(trx);
    });
  }

  it('stops answering from memory the moment the connection is lost, and listens again by itself', async () => {
    const held = await signUp(api);
    for (let i = 0; i < 3; i++) expect((await me(held.accessToken)).status).toBe(200);

    const killed = await sql<{ n: number }>`
      select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
      where datname = current_database() and application_name = 'listen:session_changes'`.execute(database.handle.db);
    expect(killed.rows[0]?.n).toBe(1);
    await api.waitForLog(/lost the listening connection/, 5_000);

    // A change the process cannot hear about: with the cache dropped, the next call reads the database.
    await revokeSilently(sessionIdOf(held.refreshToken));
    expect((await me(held.accessToken)).status).toBe(401);

    // Listening again, by itself: the process answers from memory once more (a silently revoked
    // session it holds still passes), and a revocation made the usual way still reaches it.
    await waitFor(
      'the cache to serve again',
      async () => {
        const probe = await signUp(api);
        await me(probe.accessToken);
        await revokeSilently(sessionIdOf(probe.refreshToken));
        return (await me(probe.accessToken)).status === 200 ? true : undefined;
      },
      15_000,
      200,
    );
    const next = await signUp(api);
    expect((await me(next.accessToken)).status).toBe(200);
    expect((await trpcMutation(api.url, 'auth.logout', undefined, { token: next.accessToken })).status).toBe(200);
    expect((await me(next.accessToken)).status).toBe(401);
    expect(api.alive).toBe(true);
  });
});
