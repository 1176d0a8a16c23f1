import { AppErrorCode } from '@app/contracts';
import { DEMO_ADMIN, DEMO_USER } from '@app/server-core';
import { ApiProcess, createTestDatabase, TEST_JWT_SECRET, testDbKind, trpcMutation } from '@app/server-testing';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The demo accounts have published passwords (README, start-up banner). An attacker who finds a
 * fresh production server tries them first: they must exist only outside production, or when the
 * operator asks for them (SEED_DEMO=true). The built server is started as an operator would, on
 * an empty database of the run's kind (PostgreSQL, or the embedded one when unset).
 */
describe(`demo accounts and the embedded database in production (${testDbKind()})`, () => {
  const started: { stop(): Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((each) => each.stop()));
  });

  /** The built server on an empty database of this run's kind. */
  async function startOnEmptyDatabase(env: Record<string, string>): Promise<ApiProcess> {
    let databaseUrl: string | undefined;
    if (testDbKind() === 'postgres') {
      const database = await createTestDatabase('postgres');
      started.push({ stop: () => database.dispose() });
      databaseUrl = database.url;
    }
    // A first start creates and migrates the database: slow on a busy machine. Production must
    // choose how mail leaves (MAIL_TRANSPORT=log here: these tests send none).
    const api = await ApiProcess.start({ databaseUrl, jwtSecret: TEST_JWT_SECRET, env: { MAIL_TRANSPORT: 'log', ...env } }, { timeoutMs: 120_000 });
    // Dropping the database uses `with (force)`: a server still connected cannot block it.
    started.push(api);
    return api;
  }

  const tryDemoLogins = (api: ApiProcess) =>
    Promise.all([DEMO_ADMIN, DEMO_USER].map((demo) => trpcMutation(api.url, 'auth.login', { email: demo.email, password: demo.password })));

  it('production without SEED_DEMO: the published demo passwords open nothing; the embedded database announces itself', async () => {
    const api = await startOnEmptyDatabase({ NODE_ENV: 'production' });
    for (const res of await tryDemoLogins(api)) {
      expect(res.status, res.text).toBe(401);
      expect(res.error?.data.appCode).toBe(AppErrorCode.InvalidCredentials);
    }
    expect(api.stdout).not.toContain('Demo logins');
    expect(api.log).not.toContain(DEMO_ADMIN.password);
    if (testDbKind() === 'pglite') {
      // Production on the embedded database is said at start, in the banner and in the log.
      expect(api.stdout).toMatch(/WARNING: NODE_ENV=production on the EMBEDDED database \(embedded PGlite at .*\)/);
      expect(api.log).toMatch(/"level":40.*production on the embedded database/);
    } else {
      expect(api.log).not.toMatch(/EMBEDDED|embedded database/);
    }
  });

  it('production with SEED_DEMO=true: the operator asked for them, so they exist', async () => {
    const api = await startOnEmptyDatabase({ NODE_ENV: 'production', SEED_DEMO: 'true' });
    for (const res of await tryDemoLogins(api)) expect(res.status, res.text).toBe(200);
    expect(api.stdout).toContain('Demo logins');
  });

  it('SEED_DEMO=false outside production: none either', async () => {
    const api = await startOnEmptyDatabase({ NODE_ENV: 'development', SEED_DEMO: 'false' });
    for (const res of await tryDemoLogins(api)) expect(res.status, res.text).toBe(401);
  });

  it('outside production without SEED_DEMO: a first start of the embedded database creates them (the quick start); PostgreSQL gets none', async () => {
    const api = await startOnEmptyDatabase({ NODE_ENV: 'development' });
    // The quick start is the embedded database; a PostgreSQL server is someone's real deployment.
    const expected = testDbKind() === 'pglite' ? 200 : 401;
    for (const res of await tryDemoLogins(api)) expect(res.status, res.text).toBe(expected);
    expect(api.stdout.includes('Demo logins')).toBe(testDbKind() === 'pglite');
  });
});
