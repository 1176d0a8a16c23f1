import { AppErrorCode, type BearerAuthResult, type Session } from '@app/contracts';
import { ApiProcess, createTestDatabase, strongPassword, TEST_JWT_SECRET, testDbKind, trpcMutation, trpcQuery, uniqueEmail } from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Who the client is (per-IP limits, each session's IP) must not be the client's own say.
 * `TRUST_PROXY=true` would make it so (Express then believes the left-most X-Forwarded-For entry,
 * which the client writes): the server refuses to start with it. Without TRUST_PROXY, forged
 * X-Forwarded-For headers change nothing. (A real proxy with a hop count: behind-a-proxy.spec.ts.)
 */
describe(`TRUST_PROXY and forged X-Forwarded-For (${testDbKind()})`, () => {
  let databaseUrl: string | undefined;
  let dispose: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (testDbKind() === 'postgres') {
      const database = await createTestDatabase('postgres');
      databaseUrl = database.url;
      dispose = () => database.dispose();
    }
  });
  afterAll(async () => {
    await dispose?.();
  });

  it('TRUST_PROXY=true: the server refuses to start, naming the setting and what to use instead', async () => {
    const api = await ApiProcess.start({ databaseUrl, jwtSecret: TEST_JWT_SECRET, env: { TRUST_PROXY: 'true' } }, { waitReady: false });
    const exit = await api.exited;
    await api.stop();
    expect(exit.code).toBe(1);
    expect(api.stderr).toMatch(/TRUST_PROXY: true would trust any client-supplied X-Forwarded-For; set the number of proxies/);
    expect(api.log).not.toContain('App ready');
  });

  it.each(['yes', '*', '0.0.0.0/0/1'])('TRUST_PROXY=%s: refused at start as well', async (value) => {
    const api = await ApiProcess.start({ databaseUrl, jwtSecret: TEST_JWT_SECRET, env: { TRUST_PROXY: value } }, { waitReady: false });
    const exit = await api.exited;
    await api.stop();
    expect(exit.code).toBe(1);
    expect(api.stderr).toMatch(/TRUST_PROXY: .*not a hop count, an address or a subnet/);
  });

  it('without TRUST_PROXY a forged X-Forwarded-For neither escapes the per-IP login limit nor names the session’s IP', async () => {
    const api = await ApiProcess.start({ databaseUrl, jwtSecret: TEST_JWT_SECRET, env: { RATE_LIMIT_LOGIN_PER_IP: '3/5m' } }, { timeoutMs: 120_000 });
    try {
      const email = uniqueEmail('xff');
      const password = strongPassword();
      const signup = await trpcMutation<BearerAuthResult>(api.url, 'auth.signup', { email, password }, { headers: { 'x-forwarded-for': '203.0.113.7' } });
      expect(signup.status, signup.text).toBe(200);
      const sessions = await trpcQuery<Session[]>(api.url, 'auth.sessions', undefined, { token: signup.data.accessToken });
      expect(sessions.data.map((s) => s.ip)).toEqual([expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$|^::1$/)]);

      const statuses: number[] = [];
      for (let i = 1; i <= 4; i++) {
        const res = await trpcMutation(api.url, 'auth.login', { email, password: 'Wrong#Pass1' }, { headers: { 'x-forwarded-for': `198.51.100.${i}, 10.0.0.${i}` } });
        statuses.push(res.status);
        if (res.status === 429) expect(res.error?.data.appCode).toBe(AppErrorCode.RateLimited);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      await api.stop();
    }
  });
});
