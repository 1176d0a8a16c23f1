import type { BearerAuthResult } from '@app/contracts';
import {
  ApiProcess,
  createTestDatabase,
  logIn,
  type Scrape,
  scrapeMetrics,
  signUp,
  sleep,
  type TestDatabase,
  testDbKind,
  trpcMutation,
  trpcQuery,
} from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built server as deployed, scraped on its metrics port while it serves traffic.
const kind = testDbKind();
let database: TestDatabase | undefined;
let api: ApiProcess;
let metricsUrl: string;

beforeAll(async () => {
  if (kind === 'postgres') database = await createTestDatabase('postgres');
  api = await ApiProcess.start(
    {
      jwtSecret: 'metrics-secret-of-at-least-32-bytes-long!',
      ...(database?.url ? { databaseUrl: database.url } : {}),
      // A rotated token is reused at once; a second login attempt per email (after a failure) is refused.
      env: { REFRESH_REUSE_GRACE: '0', RATE_LIMIT_LOGIN_PER_EMAIL: '1/15m' },
    },
    { timeoutMs: 90_000 },
  );
  metricsUrl = (await api.waitForLog(/Metrics at (http:\/\/\S+)/)).split('Metrics at ')[1] as string;
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await database?.dispose();
});

const calls = (scrape: Scrape, procedure: string, status: number) =>
  scrape.value('authstack_trpc_request_duration_seconds_count', { procedure, type: procedure.startsWith('people.list') ? 'query' : 'mutation', status: String(status) }) ?? 0;
const authEvent = (scrape: Scrape, event: string) => scrape.value('authstack_auth_events_total', { event }) ?? 0;

describe('GET /metrics', () => {
  it('is served on its own port bound to localhost, never on the API port', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(metricsUrl).port).not.toBe(new URL(api.url).port);
    const onApi = await fetch(`${api.url}/metrics`);
    expect(onApi.status).toBe(404);
    const scrape = await fetch(metricsUrl);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counters move with traffic: calls per procedure and status, latency, auth events', async () => {
    const before = await scrapeMetrics(metricsUrl);
    const account = await signUp(api);
    await logIn(api, account);
    expect((await trpcMutation(api.url, 'auth.login', { email: account.email, password: 'Wrong#Password1' })).status).toBe(401);
    expect((await trpcMutation(api.url, 'auth.login', { email: account.email, password: account.password })).status).toBe(429);
    const rotated = await trpcMutation<BearerAuthResult>(api.url, 'auth.refresh', { refreshToken: account.refreshToken });
    expect(rotated.status).toBe(200);
    await sleep(20);
    expect((await trpcMutation(api.url, 'auth.refresh', { refreshToken: account.refreshToken })).status).toBe(401);
    expect((await trpcMutation(api.url, 'auth.refresh', { refreshToken: 'not-a-token' })).status).toBe(401);
    const fresh = await signUp(api);
    for (let i = 0; i < 3; i++) expect((await trpcQuery(api.url, 'people.list', { limit: 5 }, { token: fresh.accessToken })).status).toBe(200);
    expect((await trpcQuery(api.url, 'people.list', { limit: 5 })).status).toBe(401);
    const after = await scrapeMetrics(metricsUrl);

    const delta = (read: (scrape: Scrape) => number) => read(after) - read(before);
    expect(delta((s) => calls(s, 'auth.signup', 200))).toBe(2);
    expect(delta((s) => calls(s, 'auth.login', 200))).toBe(1);
    expect(delta((s) => calls(s, 'auth.login', 401))).toBe(1);
    expect(delta((s) => calls(s, 'auth.login', 429))).toBe(1);
    expect(delta((s) => calls(s, 'auth.refresh', 200))).toBe(1);
    expect(delta((s) => calls(s, 'auth.refresh', 401))).toBe(2);
    expect(delta((s) => calls(s, 'people.list', 200))).toBe(3);
    expect(delta((s) => calls(s, 'people.list', 401))).toBe(1);
    const latency = { procedure: 'people.list', type: 'query', status: '200' };
    expect(after.value('authstack_trpc_request_duration_seconds_sum', latency)).toBeGreaterThan(0);
    expect(after.value('authstack_trpc_request_duration_seconds_bucket', { ...latency, le: '+Inf' })).toBe(
      after.value('authstack_trpc_request_duration_seconds_count', latency),
    );

    expect(delta((s) => authEvent(s, 'sign_in_ok'))).toBe(1);
    expect(delta((s) => authEvent(s, 'sign_in_failed'))).toBe(1);
    expect(delta((s) => authEvent(s, 'rate_limited'))).toBe(1);
    expect(delta((s) => authEvent(s, 'refresh_ok'))).toBe(1);
    expect(delta((s) => authEvent(s, 'refresh_reuse_detected'))).toBe(1);
    expect(delta((s) => authEvent(s, 'refresh_rejected'))).toBe(1);
  });

  it('process health: event-loop lag, memory, and the database pool on PostgreSQL', async () => {
    const scrape = await scrapeMetrics(metricsUrl);
    expect(scrape.value('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
    expect(scrape.value('process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    expect(scrape.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    if (kind === 'postgres') {
      expect(scrape.value('authstack_db_pool_max_connections')).toBe(10);
      expect(scrape.value('authstack_db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(1);
      expect(scrape.value('authstack_db_pool_connections', { state: 'in_use' })).toBeGreaterThanOrEqual(0);
      expect(scrape.value('authstack_db_pool_waiting_queries')).toBe(0);
    } else {
      // The embedded database has no pool.
      expect(scrape.has('authstack_db_pool_connections')).toBe(false);
    }
  });
});
