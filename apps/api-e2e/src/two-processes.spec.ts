import { AppErrorCode, type BearerAuthResult } from '@app/contracts';
import {
  ApiProcess,
  createTestDatabase,
  logIn,
  sessionIdOf,
  signUp,
  sleep,
  strongPassword,
  TEST_JWT_SECRET,
  type TestDatabase,
  testDbKind,
  trpcMutation,
  trpcQuery,
} from '@app/server-testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Two API processes (the built server, spawned twice) on one PostgreSQL database: everything that
 * must hold "across many API processes" is exercised by sending consecutive requests of one client
 * to different processes.
 */
describe.runIf(testDbKind() === 'postgres')('two API processes on one PostgreSQL', () => {
  const GRACE_MS = 1_000;
  let database: TestDatabase;
  let a: ApiProcess;
  let b: ApiProcess;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const options = { databaseUrl: database.url, jwtSecret: TEST_JWT_SECRET, env: { REFRESH_REUSE_GRACE: `${GRACE_MS}ms` } };
    [a, b] = await Promise.all([ApiProcess.start(options), ApiProcess.start(options)]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.dispose();
  });

  const refreshOn = (api: ApiProcess, refreshToken: string) => trpcMutation<BearerAuthResult>(api.url, 'auth.refresh', { refreshToken });
  const meOn = (api: ApiProcess, token: string) => trpcQuery(api.url, 'auth.me', undefined, { token });

  it('both processes serve the same database', async () => {
    expect(a.url).not.toBe(b.url);
    const account = await signUp(a);
    expect((await meOn(b, account.accessToken)).status).toBe(200);
  });

  it('a token rotated on A and replayed on B after the grace window is reuse: the session is revoked on both', async () => {
    const account = await signUp(a);
    const rotated = await refreshOn(a, account.refreshToken);
    expect(rotated.status).toBe(200);
    await sleep(GRACE_MS + 300);

    const replay = await refreshOn(b, account.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.error?.data.appCode).toBe(AppErrorCode.RefreshInvalid);
    // The legitimate holder's current tokens die too, on either process.
    expect((await refreshOn(a, rotated.data.refreshToken)).status).toBe(401);
    expect((await meOn(a, rotated.data.accessToken)).status).toBe(401);
    expect((await meOn(b, rotated.data.accessToken)).status).toBe(401);
    const sessionId = sessionIdOf(account.refreshToken);
    const row = await sql<{ revoked_at: Date | null }>`select revoked_at from sessions where id = ${sessionId}`.execute(database.handle.db);
    expect(row.rows[0]?.revoked_at).not.toBeNull();
  });

  it('a token two rotations old is reuse even inside the grace window, whichever process sees it', async () => {
    const account = await signUp(a);
    const first = await refreshOn(a, account.refreshToken);
    const second = await refreshOn(b, first.data.refreshToken);
    expect(second.status).toBe(200);
    expect((await refreshOn(a, account.refreshToken)).status).toBe(401);
    expect((await refreshOn(b, second.data.refreshToken)).status).toBe(401);
  });

  it('the same token on A and B at once (inside the grace window): both succeed with the same next token', async () => {
    const account = await signUp(b);
    const results = await Promise.all([a, b, a, b, a, b].map((api) => refreshOn(api, account.refreshToken)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(results.map((r) => r.data.refreshToken)).size).toBe(1);
    expect((await refreshOn(b, results[0]?.data.refreshToken as string)).status).toBe(200);
  });

  it('the per-(email, address) login limit (5 by default) counts across both: 5 failures split over A and B, then 429 on either', async () => {
    const account = await signUp(a);
    const wrong = { email: account.email, password: strongPassword() };
    for (const api of [a, b, a, b, a]) {
      const res = await trpcMutation(api.url, 'auth.login', wrong);
      expect(res.status).toBe(401);
    }
    for (const api of [b, a]) {
      const res = await trpcMutation(api.url, 'auth.login', wrong);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Even the right password waits out the window from this address: the limit is on attempts, not on failures.
    expect((await trpcMutation(b.url, 'auth.login', { email: account.email, password: account.password })).status).toBe(429);
  });

  it('logout on A refuses refresh (and access) on B at once', async () => {
    const account = await signUp(b);
    const login = await logIn(a, account);
    expect((await trpcMutation(a.url, 'auth.logout', undefined, { token: login.accessToken })).status).toBe(200);
    expect((await refreshOn(b, login.refreshToken)).status).toBe(401);
    expect((await meOn(b, login.accessToken)).status).toBe(401);
    // The account's other session (from signup) is untouched.
    expect((await meOn(b, account.accessToken)).status).toBe(200);
  });

  it('logout of all devices on B ends the sessions used on A', async () => {
    const account = await signUp(a);
    const second = await logIn(a, account);
    expect((await trpcMutation(b.url, 'auth.logout', { allDevices: true }, { token: account.accessToken })).status).toBe(200);
    expect((await meOn(a, second.accessToken)).status).toBe(401);
    expect((await refreshOn(a, second.refreshToken)).status).toBe(401);
  });

  it('a session B holds in memory is refused by B within 50 ms of its revocation on A', async () => {
    const delays: number[] = [];
    for (let round = 0; round < 5; round++) {
      const account = await signUp(a);
      // B has answered for this session, so it is in B's live-session cache.
      for (let i = 0; i < 3; i++) expect((await meOn(b, account.accessToken)).status).toBe(200);
      expect((await trpcMutation(a.url, 'auth.logout', undefined, { token: account.accessToken })).status).toBe(200);
      const revokedAt = performance.now();
      let status = 200;
      while (status === 200 && performance.now() - revokedAt < 2_000) status = (await meOn(b, account.accessToken)).status;
      delays.push(performance.now() - revokedAt);
      expect(status).toBe(401);
    }
    console.log(`[two-processes] revocation on A refused by B after ${delays.map((d) => d.toFixed(1)).join(', ')} ms`);
    // The first refused answer came within 50 ms every time (timed from A's answer, so it
    // includes B's request itself).
    expect(Math.max(...delays), `delays ${delays.map((d) => d.toFixed(1)).join(', ')} ms`).toBeLessThan(50);
  });

  it('neither process logged an error', () => {
    for (const api of [a, b]) {
      expect(api.alive).toBe(true);
      expect(api.log).not.toMatch(/"level":(50|60)/);
    }
  });
});
