import { AppErrorCode, type AuthResult, ErrorMessages } from '@app/contracts';
import { sleep, startTestServer, type TestServer, testDbKind, trpcMutation } from '@app/server-testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agedSession, isSessionLive, randomB64 } from './support/aged-session';

/**
 * A forged refresh token must be refused before the database is asked. Proving it needs a second
 * connection holding the session's row lock, which only a PostgreSQL server offers: this file is
 * left out of the PGlite pass (apps/api-e2e/vitest.config.mts).
 */
describe.runIf(testDbKind() === 'postgres')('refresh while the session row is locked (PostgreSQL)', () => {
  const OLD = 20_000;
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a forged token is refused without the database: even while the session row is locked', async () => {
    const old = await agedSession(server, OLD);
    const locker = new pg.Client({ connectionString: server.database.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('select id from sessions where id = $1 for update', [old.sessionId]);
      // Answered while the lock is held (until the rollback below): it never asked for the row.
      const forged = `${old.sessionId}.${OLD}.${randomB64()}.${randomB64()}`;
      const answer = await Promise.race([
        trpcMutation<AuthResult>(server.url, 'auth.refresh', { refreshToken: forged }),
        sleep(5_000).then(() => 'still waiting' as const),
      ]);
      expect(answer).not.toBe('still waiting');
      if (answer !== 'still waiting') {
        expect(answer.status, answer.text).toBe(401);
        expect(answer.error?.message).toBe(ErrorMessages.refreshInvalid);
        expect(answer.error?.data.appCode).toBe(AppErrorCode.RefreshInvalid);
      }
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    expect(await isSessionLive(server, old.sessionId)).toBe(true);
  });
});
