import { AppErrorCode, ErrorMessages } from '@app/contracts';
import {
  type Account,
  BrowserLikeClient,
  type CallResult,
  logIn,
  signUp,
  startTestServer,
  testConfig,
  type TestServer,
  testDbKind,
  trpcMutation,
  trpcQuery,
} from '@app/server-testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * One signed-in user cannot write without bound: every mutation of a signed-in user counts, each
 * call of a batch on its own, whichever session or transport it comes from. Reads are never
 * limited, and signing out always works. The limit is low here (RATE_LIMIT_WRITES_PER_USER).
 */
describe(`writes per signed-in user are limited (${testDbKind()})`, () => {
  const LIMIT = 6;
  const WINDOW_MS = 60_000;
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimits: { ...testConfig().rateLimits, writesPerUser: { max: LIMIT, windowMs: WINDOW_MS } } } });
  });
  afterAll(async () => {
    await server?.close();
  });

  let nameCounter = 0;
  const names = () => ({ firstName: 'Writer', lastName: `N${(nameCounter += 1)}` });
  const create = (token: string) => trpcMutation<{ id: string }>(server.url, 'people.create', names(), { token });

  async function peopleNamed(lastNames: string[]): Promise<number> {
    if (lastNames.length === 0) return 0;
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from people where last_name in (${sql.join(lastNames)})`.execute(server.services.db);
    return Number(rows[0]?.n);
  }

  function expectLimited(res: Pick<CallResult, 'status' | 'error' | 'headers'>, what: string): void {
    expect(res.status, what).toBe(429);
    expect(res.error?.data.appCode, what).toBe(AppErrorCode.RateLimited);
    expect(res.error?.message, what).toBe(ErrorMessages.rateLimited);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter, what).toBeGreaterThanOrEqual(1);
    expect(retryAfter, what).toBeLessThanOrEqual(WINDOW_MS / 1000);
  }

  it('after the limit a write is 429 with Retry-After and writes nothing; reads go on; another session of the user is limited too; other users are not', async () => {
    const account = await signUp(server);
    for (let i = 0; i < LIMIT; i++) expect((await create(account.accessToken)).status).toBe(200);
    const before = nameCounter;
    expectLimited(await create(account.accessToken), 'the write over the limit');
    expect(await peopleNamed([`N${before + 1}`])).toBe(0);

    // Reads are not limited.
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: account.accessToken })).status).toBe(200);
    expect((await trpcQuery(server.url, 'people.list', {}, { token: account.accessToken })).status).toBe(200);

    // A fresh sign-in (a new session, a new token) is the same user: still limited, for every kind of write.
    const second = await logIn(server, account);
    expectLimited(await create(second.accessToken), 'a second session of the user');
    const sessions = await trpcQuery<{ id: string; current: boolean }[]>(server.url, 'auth.sessions', undefined, { token: second.accessToken });
    const other = sessions.data.find((session) => !session.current);
    expectLimited(await trpcMutation(server.url, 'auth.revokeSession', { sessionId: other?.id }, { token: second.accessToken }), 'revokeSession');

    // Another user writes freely.
    const stranger = await signUp(server);
    expect((await create(stranger.accessToken)).status).toBe(200);

    // Signing out is never limited.
    expect((await trpcMutation(server.url, 'auth.logout', { allDevices: true }, { token: second.accessToken })).status).toBe(200);
    const { rows } = await sql<{ n: string }>`select count(*)::text as n from sessions where user_id = ${account.user.id} and revoked_at is null`.execute(server.services.db);
    expect(rows[0]?.n).toBe('0');
  });

  it('each call of a batch counts: a batch of 3 × the limit creates exactly the limit, the rest are 429', async () => {
    const account = await signUp(server);
    const calls = Array.from({ length: LIMIT * 3 }, names);
    const paths = calls.map(() => 'people.create').join(',');
    const body = Object.fromEntries(calls.map((input, index) => [String(index), input]));
    const response = await fetch(`${server.url}/trpc/${paths}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${account.accessToken}` },
      body: JSON.stringify(body),
    });
    const results = (await response.json()) as { result?: unknown; error?: { message: string; data: { httpStatus: number; appCode: string } } }[];
    expect(results).toHaveLength(calls.length);
    const accepted = results.filter((result) => result.result !== undefined);
    const refused = results.filter((result) => result.error !== undefined);
    expect(accepted).toHaveLength(LIMIT);
    expect(refused).toHaveLength(calls.length - LIMIT);
    for (const result of refused) {
      expect(result.error?.data.httpStatus).toBe(429);
      expect(result.error?.data.appCode).toBe(AppErrorCode.RateLimited);
    }
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await peopleNamed(calls.map((call) => call.lastName))).toBe(LIMIT);
  });

  it('parallel writes cannot slip past the limit: 5 × the limit at once, exactly the limit succeed', async () => {
    const account: Account = await signUp(server);
    const first = nameCounter;
    const results = await Promise.all(Array.from({ length: LIMIT * 5 }, () => create(account.accessToken)));
    const statuses = results.map((res) => res.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(LIMIT * 4);
    const sent = Array.from({ length: LIMIT * 5 }, (_, index) => `N${first + index + 1}`);
    expect(await peopleNamed(sent)).toBe(LIMIT);
  });

  it('a browser (cookies) is limited like a bearer client, and still signs out', async () => {
    const account = await signUp(server);
    const browser = new BrowserLikeClient(server.url);
    expect((await browser.mutation('auth.login', { email: account.email, password: account.password })).status).toBe(200);
    for (let i = 0; i < LIMIT; i++) expect((await browser.mutation('people.create', names())).status).toBe(200);
    expectLimited(await browser.mutation('people.create', names()), 'a browser write over the limit');
    expectLimited(await create(account.accessToken), 'the bearer session of the same user');
    expect((await browser.query('people.list', {})).status).toBe(200);
    expect((await browser.mutation('auth.logout', {})).status).toBe(200);
  });
});
