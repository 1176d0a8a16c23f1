import { AppErrorCode, type AuthResult, type Person, type User } from '@app/contracts';
import {
  type CallResult,
  logIn,
  sessionIdOf,
  signUp,
  startTestServer,
  strongPassword,
  testConfig,
  type TestServer,
  testDbKind,
  trpcMutation,
  trpcQuery,
  uniqueEmail,
} from '@app/server-testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Races over real HTTP: many requests on one row at once. Each test counts the outcomes, checks
 * none is a 5xx, and then checks the rows themselves.
 */

function tally(results: CallResult[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

describe(`races (${testDbKind()})`, () => {
  let server: TestServer;
  let admin: AuthResult;

  beforeAll(async () => {
    server = await startTestServer();
    const email = uniqueEmail('race-admin');
    const password = strongPassword();
    await server.services.users.ensureAdmin(email, password);
    admin = await logIn(server, { email, password });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('50 concurrent signups of one email (in several spellings): one account, one session, 49 conflicts', async () => {
    const email = uniqueEmail('same');
    const spellings = [email, email.toUpperCase(), `  ${email}`, `${email}\t`];
    const passwords = Array.from({ length: 50 }, () => strongPassword());
    const results = await Promise.all(
      passwords.map((password, i) => trpcMutation<AuthResult>(server.url, 'auth.signup', { email: spellings[i % spellings.length], password })),
    );
    const counts = tally(results);
    console.log(`[race] 50 signups of one email: ${JSON.stringify(counts)}`);
    expect(counts).toEqual({ 200: 1, 409: 49 });
    for (const r of results.filter((r) => r.status === 409)) expect(r.error?.data.appCode).toBe(AppErrorCode.EmailTaken);

    const users = await sql<{ id: string }>`select id from users where email = ${email}`.execute(server.services.db);
    expect(users.rows).toHaveLength(1);
    const sessions = await sql<{ n: number }>`select count(*)::int as n from sessions where user_id = ${users.rows[0]?.id}`.execute(server.services.db);
    expect(sessions.rows[0]?.n).toBe(1);

    // The winner's password is the account's; a loser's is not.
    const winner = results.findIndex((r) => r.status === 200);
    expect((await trpcMutation(server.url, 'auth.login', { email, password: passwords[winner] })).status).toBe(200);
    expect((await trpcMutation(server.url, 'auth.login', { email, password: passwords[(winner + 1) % 50] })).status).toBe(401);
  });

  it('20 concurrent refreshes of one token: all succeed with the same next token, one live session, and that token works', async () => {
    const account = await signUp(server);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => trpcMutation<AuthResult>(server.url, 'auth.refresh', { refreshToken: account.refreshToken })),
    );
    const counts = tally(results);
    const distinct = new Set(results.map((r) => r.data?.refreshToken));
    console.log(`[race] 20 refreshes of one token: ${JSON.stringify(counts)}, ${distinct.size} distinct next token(s)`);
    expect(counts).toEqual({ 200: 20 });
    expect(distinct.size).toBe(1);
    const next = results[0]?.data.refreshToken as string;
    expect(sessionIdOf(next)).toBe(sessionIdOf(account.refreshToken));

    const live = await sql<{ id: string; generation: number }>`
      select id, generation from sessions where user_id = ${account.user.id} and revoked_at is null`.execute(server.services.db);
    expect(live.rows).toHaveLength(1);
    expect(live.rows[0]?.generation).toBe(1);

    for (const r of results) expect((await trpcQuery(server.url, 'auth.me', undefined, { token: r.data.accessToken })).status).toBe(200);
    const after = await trpcMutation<AuthResult>(server.url, 'auth.refresh', { refreshToken: next });
    expect(after.status).toBe(200);
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: after.data.accessToken })).status).toBe(200);
  });

  it('concurrent update and delete of one person (30 rounds): delete always wins in the end, update is 200 or 404, never a 5xx or a resurrected row', async () => {
    const outcomes: Record<string, number> = {};
    for (let round = 0; round < 30; round++) {
      const created = await trpcMutation<Person>(server.url, 'people.create', { firstName: 'Race', lastName: `Round${round}` }, { token: admin.accessToken });
      const id = created.data.id;
      const [update, remove, update2] = await Promise.all([
        trpcMutation<Person>(server.url, 'people.update', { id, firstName: 'Updated', lastName: `Round${round}` }, { token: admin.accessToken }),
        trpcMutation(server.url, 'people.delete', { id }, { token: admin.accessToken }),
        trpcMutation<Person>(server.url, 'people.update', { id, firstName: 'Again', lastName: `Round${round}` }, { token: admin.accessToken }),
      ]);
      const key = `delete ${remove.status}, updates ${update.status}/${update2.status}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      expect(remove.status).toBe(200);
      for (const u of [update, update2]) {
        expect([200, 404]).toContain(u.status);
        if (u.status === 200) expect(u.data.id).toBe(id);
      }
      expect((await trpcQuery(server.url, 'people.byId', { id }, { token: admin.accessToken })).status).toBe(404);
      const rows = await sql<{ n: number }>`select count(*)::int as n from people where id = ${id}`.execute(server.services.db);
      expect(rows.rows[0]?.n).toBe(0);
    }
    console.log(`[race] update vs delete, 30 rounds: ${JSON.stringify(outcomes)}`);
  });

  it('concurrent role change and refresh (15 rounds): whichever wins, the old role never survives in a live session', async () => {
    const outcomes: Record<string, number> = {};
    for (let round = 0; round < 15; round++) {
      const account = await signUp(server);
      const [setRole, refreshed] = await Promise.all([
        trpcMutation<User>(server.url, 'users.setRole', { userId: account.user.id, role: 'admin' }, { token: admin.accessToken }),
        trpcMutation<AuthResult>(server.url, 'auth.refresh', { refreshToken: account.refreshToken }),
      ]);
      const key = `setRole ${setRole.status}, refresh ${refreshed.status}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      expect(setRole.status).toBe(200);
      expect(setRole.data.role).toBe('admin');
      expect([200, 401]).toContain(refreshed.status);

      // Every token minted before or during the change is dead; nothing still says "user".
      expect((await trpcQuery(server.url, 'auth.me', undefined, { token: account.accessToken })).status).toBe(401);
      if (refreshed.status === 200) {
        expect((await trpcQuery(server.url, 'auth.me', undefined, { token: refreshed.data.accessToken })).status).toBe(401);
        expect((await trpcMutation(server.url, 'auth.refresh', { refreshToken: refreshed.data.refreshToken })).status).toBe(401);
      }
      const live = await sql<{ n: number }>`
        select count(*)::int as n from sessions where user_id = ${account.user.id} and revoked_at is null`.execute(server.services.db);
      expect(live.rows[0]?.n).toBe(0);
    }
    console.log(`[race] role change vs refresh, 15 rounds: ${JSON.stringify(outcomes)}`);
  });
});

describe(`racing the login limits (${testDbKind()})`, () => {
  let server: TestServer;
  const PER_EMAIL_IP = 5;
  const PER_EMAIL = 10;

  beforeAll(async () => {
    // Behind a trusted proxy, so each guess can come from an address of its own.
    server = await startTestServer({
      config: {
        trustProxy: 1,
        rateLimits: {
          ...testConfig().rateLimits,
          loginPerEmailIp: { max: PER_EMAIL_IP, windowMs: 60_000 },
          loginPerEmail: { max: PER_EMAIL, windowMs: 60_000 },
        },
      },
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  async function guessAtOnce(email: string, addressOf: (index: number) => string) {
    await signUp(server, { email });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        trpcMutation(server.url, 'auth.login', { email, password: strongPassword() }, { headers: { 'x-forwarded-for': addressOf(index) } }),
      ),
    );
    for (const r of results.filter((r) => r.status === 429)) expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    return tally(results);
  }

  it(`30 concurrent wrong passwords for one email from one address: exactly ${PER_EMAIL_IP} are checked, the rest are 429 with Retry-After`, async () => {
    const counts = await guessAtOnce(uniqueEmail('guess'), () => '10.9.0.1');
    console.log(`[race] 30 parallel guesses from one address, limit ${PER_EMAIL_IP}: ${JSON.stringify(counts)}`);
    expect(counts).toEqual({ 401: PER_EMAIL_IP, 429: 30 - PER_EMAIL_IP });
  });

  it(`30 concurrent wrong passwords for one email from 30 addresses: exactly ${PER_EMAIL} are checked (the per-email limit), the rest are 429`, async () => {
    const counts = await guessAtOnce(uniqueEmail('spread'), (index) => `10.9.1.${index + 1}`);
    console.log(`[race] 30 parallel guesses from 30 addresses, per-email limit ${PER_EMAIL}: ${JSON.stringify(counts)}`);
    expect(counts).toEqual({ 401: PER_EMAIL, 429: 30 - PER_EMAIL });
  });
});
