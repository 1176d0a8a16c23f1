import { MailKind } from '@app/server-core';
import { ApiProcess, createTestDatabase, signUp, SmtpSink, TEST_JWT_SECRET, type TestDatabase, trpcMutation } from '@app/server-testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/concurrency';

/**
 * Two API processes (the built server, spawned twice) sending one PostgreSQL database's outbox:
 * each claims with FOR UPDATE SKIP LOCKED and a lease, so every mail leaves exactly once.
 * PostgreSQL only (excluded from the PGlite pass in vitest.config.mts).
 */
describe('two API processes share one mail outbox (PostgreSQL)', () => {
  let database: TestDatabase;
  let sink: SmtpSink;
  let a: ApiProcess;
  let b: ApiProcess;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    sink = await SmtpSink.start();
    const options = { databaseUrl: database.url as string, jwtSecret: TEST_JWT_SECRET, env: { SMTP_URL: sink.url } };
    [a, b] = await Promise.all([ApiProcess.start(options, { timeoutMs: 120_000 }), ApiProcess.start(options, { timeoutMs: 120_000 })]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await sink?.stop();
    await database?.dispose();
  });

  it('mail queued on both while the relay is away is sent exactly once when it is back', async () => {
    await sink.down();
    const accounts = await Promise.all(Array.from({ length: 10 }, (_, i) => signUp(i % 2 === 0 ? a : b)));
    const resets = await Promise.all(accounts.map((account, i) => trpcMutation((i % 2 === 0 ? b : a).url, 'auth.requestPasswordReset', { email: account.email })));
    expect(resets.map((res) => res.status)).toEqual(resets.map(() => 200));
    await sink.up();

    for (const account of accounts) {
      await sink.waitForMail(account.email, MailKind.emailVerification, 1);
      await sink.waitForMail(account.email, MailKind.passwordReset, 1);
    }
    const rows = await waitFor(
      'every mail is marked sent',
      async () => {
        const { rows } = await sql<{ id: string; sent: boolean }>`select id, sent_at is not null as sent from mail_outbox`.execute(database.handle.db);
        return rows.every((row) => row.sent) ? rows : undefined;
      },
      30_000,
    );
    expect(rows).toHaveLength(20);
    const sentIds = sink.received.map((mail) => /^<([^@]+)@/.exec(mail.messageId)?.[1]);
    expect(sentIds.toSorted()).toEqual(rows.map((row) => row.id).toSorted());
  });
});
