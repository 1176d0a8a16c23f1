import { MailKind } from '@app/server-core';
import { NO_TRACING, ServerMetrics } from '@app/server-observability';
import {
  createTestDatabase,
  mailThrough,
  parseMetrics,
  signUp,
  SmtpSink,
  sleep,
  startTestServer,
  type TestDatabase,
  type TestServer,
  trpcMutation,
} from '@app/server-testing';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';

/** Polls until `check` holds (a mail is sent asynchronously, after the request that queued it). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

async function outbox(server: { services: TestServer['services'] }) {
  return server.services.db.selectFrom('mail_outbox').select(['id', 'recipient', 'kind', 'attempts', 'last_error', 'sent_at']).execute();
}

/** Every mail the sink got, by Message-ID: each outbox row's id appears exactly once. */
function expectEachSentOnce(sink: SmtpSink, rowIds: string[]): void {
  const ids = sink.received.map((mail) => /^<([^@]+)@/.exec(mail.messageId)?.[1]);
  expect(ids.toSorted()).toEqual(rowIds.toSorted());
}

describe('the mail outbox', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('SMTP down for a while: every request still succeeds at once, the mails wait and retry, and all arrive once it is back', async () => {
    const sink = await SmtpSink.start();
    cleanups.push(() => sink.stop());
    const server = await startTestServer({ config: mailThrough(sink) });
    cleanups.push(() => server.close());
    await sink.down();

    const accounts = [];
    for (let i = 0; i < 4; i++) accounts.push(await signUp(server));
    for (const account of accounts) {
      const res = await trpcMutation(server.url, 'auth.requestPasswordReset', { email: account.email });
      expect(res.status, res.text).toBe(200);
    }
    // Every mail was tried, failed and is waiting for its next attempt.
    await eventually(async () => (await outbox(server)).every((row) => row.attempts >= 2 && row.last_error !== null), 'every mail failed twice');
    expect(await outbox(server)).toHaveLength(8);
    expect((await outbox(server)).every((row) => row.sent_at === null)).toBe(true);

    await sink.up();
    for (const account of accounts) {
      await sink.waitForMail(account.email, MailKind.emailVerification);
      await sink.waitForMail(account.email, MailKind.passwordReset);
    }
    await eventually(async () => (await outbox(server)).every((row) => row.sent_at !== null), 'every mail is marked sent');
    expectEachSentOnce(sink, (await outbox(server)).map((row) => row.id));
  });

  it('two API processes on one database send each mail exactly once', async () => {
    const sink = await SmtpSink.start();
    cleanups.push(() => sink.stop());
    const database: TestDatabase = await createTestDatabase();
    cleanups.push(() => database.dispose());
    const a = await startTestServer({ database, config: mailThrough(sink) });
    cleanups.push(() => a.close());
    const b = await startTestServer({ database, config: mailThrough(sink) });
    cleanups.push(() => b.close());

    // Queued on both while the relay is away, so both workers race for the same due rows when it returns.
    await sink.down();
    const accounts = await Promise.all(Array.from({ length: 12 }, (_, i) => signUp(i % 2 === 0 ? a : b)));
    await Promise.all(accounts.map((account, i) => trpcMutation((i % 2 === 0 ? b : a).url, 'auth.requestPasswordReset', { email: account.email })));
    await sink.up();

    await eventually(async () => (await outbox(a)).every((row) => row.sent_at !== null), 'every mail is marked sent');
    const rows = await outbox(a);
    expect(rows).toHaveLength(24);
    await sleep(300); // a duplicate, if any, would arrive now
    expectEachSentOnce(sink, rows.map((row) => row.id));
  });

  it('with nothing left to send, the worker reads the outbox once per poll interval, not more', async () => {
    const sink = await SmtpSink.start();
    cleanups.push(() => sink.stop());
    let outboxReads = 0;
    const database = await createTestDatabase(undefined, { onQuery: (query) => void (/mail_outbox/.test(query.sql) && outboxReads++) });
    cleanups.push(() => database.dispose());
    const server = await startTestServer({ database, config: mailThrough(sink, { pollIntervalMs: 1_000 }) });
    cleanups.push(() => server.close());
    const account = await signUp(server);
    await sink.waitForMail(account.email, MailKind.emailVerification);
    await eventually(async () => (await outbox(server)).every((row) => row.sent_at !== null), 'the mail is marked sent');

    outboxReads = 0;
    await sleep(2_500);
    // At most three polls in 2.5 s at one a second, each a claim and a look at what is due next
    // (polling on an empty outbox as if a mail were due would be ~100 reads).
    expect(outboxReads).toBeGreaterThan(0);
    expect(outboxReads).toBeLessThanOrEqual(6);
  });

  it('authstack_mail_outbox_depth counts the mails not sent yet', async () => {
    const sink = await SmtpSink.start();
    cleanups.push(() => sink.stop());
    const metrics = new ServerMetrics();
    const server = await startTestServer({ config: mailThrough(sink), telemetry: { metrics, tracing: NO_TRACING } });
    cleanups.push(() => server.close());
    const depth = async () => parseMetrics((await metrics.scrape()).body).value('authstack_mail_outbox_depth');

    await sink.down();
    for (let i = 0; i < 3; i++) await signUp(server);
    expect(await depth()).toBe(3);
    await sink.up();
    await eventually(async () => (await depth()) === 0, 'the outbox is empty');
  });

  it('a server stopped with mail still queued loses none: the next start sends it', async () => {
    const sink = await SmtpSink.start();
    cleanups.push(() => sink.stop());
    const database = await createTestDatabase();
    cleanups.push(() => database.dispose());
    await sink.down();
    const first = await startTestServer({ database, config: mailThrough(sink) });
    const accounts = [await signUp(first), await signUp(first), await signUp(first)];
    await eventually(async () => (await outbox(first)).every((row) => row.attempts >= 1), 'every mail was tried');
    await first.close();

    const unsent = await sql<{ n: number }>`select count(*)::int as n from mail_outbox where sent_at is null`.execute(database.handle.db);
    expect(unsent.rows[0]?.n).toBe(3);
    await sink.up();
    const second = await startTestServer({ database, config: mailThrough(sink) });
    cleanups.push(() => second.close());
    for (const account of accounts) await sink.waitForMail(account.email, MailKind.emailVerification);
    await eventually(async () => (await outbox(second)).every((row) => row.sent_at !== null), 'every mail is marked sent');
    expectEachSentOnce(sink, (await outbox(second)).map((row) => row.id));
  });
});
