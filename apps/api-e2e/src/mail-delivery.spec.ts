import { MailKind } from '@app/server-core';
import { ApiProcess, createTestDatabase, newDataDir, signUp, SmtpSink, TEST_JWT_SECRET, testDbKind, trpcMutation } from '@app/server-testing';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * Mail from the built server as an operator runs it: queued mail survives a restart, and the log
 * transport shows links only outside production.
 */
describe(`mail delivery by the built server (${testDbKind()})`, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Where the server keeps its data: a directory for PGlite (kept across restarts), or a fresh PostgreSQL database. */
  async function storage(): Promise<{ databaseUrl?: string; env: Record<string, string> }> {
    if (testDbKind() === 'postgres') {
      const database = await createTestDatabase('postgres');
      cleanups.push(() => database.dispose());
      return { databaseUrl: database.url, env: {} };
    }
    const dataDir = newDataDir();
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    return { env: { DATA_DIR: dataDir } };
  }

  async function start(where: { databaseUrl?: string; env: Record<string, string> }, env: Record<string, string>): Promise<ApiProcess> {
    const api = await ApiProcess.start({ jwtSecret: TEST_JWT_SECRET, ...(where.databaseUrl ? { databaseUrl: where.databaseUrl } : {}), env: { ...where.env, ...env } }, { timeoutMs: 120_000 });
    cleanups.push(() => api.stop());
    return api;
  }

  it('a restart with mail still queued (the relay was away) loses none: the next process sends it all, and the links work', async () => {
    const sink = await SmtpSink.start();
    cleanups.push(() => sink.stop());
    const where = await storage();
    await sink.down();
    const first = await start(where, { SMTP_URL: sink.url });
    const accounts = [await signUp(first), await signUp(first), await signUp(first)];
    expect((await trpcMutation(first.url, 'auth.requestPasswordReset', { email: accounts[0]?.email })).status).toBe(200);
    await first.waitForLog(/mail not sent; will retry/, 30_000);
    await first.stop();
    expect(first.exitCode).toBe(0);

    await sink.up();
    const second = await start(where, { SMTP_URL: sink.url });
    for (const account of accounts) await sink.waitForMail(account.email, MailKind.emailVerification, 1);
    const reset = await sink.waitForMail(accounts[0]?.email as string, MailKind.passwordReset, 1);
    expect(sink.received).toHaveLength(4);
    const res = await trpcMutation(second.url, 'auth.resetPassword', { token: reset.token, newPassword: 'Fresh#Start-2026' });
    expect(res.status, res.text).toBe(200);
  });

  it('without SMTP_URL outside production each mail is one log line with its link, and the link works', async () => {
    const api = await start(await storage(), { LOG_LEVEL: 'info' });
    const account = await signUp(api);
    const line = await api.waitForLog(new RegExp(`^.*mail to ${account.email.replace(/[.+]/g, '\\$&')}.*$`, 'm'), 15_000);
    const token = /verify-email\?token=([A-Za-z0-9_-]{43})/.exec(line)?.[1];
    expect(token, line).toBeDefined();
    expect(api.log.split('\n').filter((l) => l.includes(`mail to ${account.email}`))).toHaveLength(1);
    const res = await trpcMutation(api.url, 'auth.verifyEmail', { token });
    expect(res.status, res.text).toBe(200);
  });

  it('in production MAIL_TRANSPORT=log logs recipient and kind only: no link, no token', async () => {
    const api = await start(await storage(), { NODE_ENV: 'production', MAIL_TRANSPORT: 'log', LOG_LEVEL: 'info' });
    const account = await signUp(api);
    await trpcMutation(api.url, 'auth.requestPasswordReset', { email: account.email });
    await api.waitForLog(new RegExp(`mail to ${account.email.replace(/[.+]/g, '\\$&')} \\(${MailKind.passwordReset}\\)`), 15_000);
    await api.waitForLog(new RegExp(`mail to ${account.email.replace(/[.+]/g, '\\$&')} \\(${MailKind.emailVerification}\\)`), 15_000);
    expect(api.log).not.toMatch(/token=|reset-password|verify-email/);
  });

  it('production without SMTP_URL refuses to start, naming SMTP_URL and MAIL_TRANSPORT=log', async () => {
    const api = await ApiProcess.start(
      { jwtSecret: TEST_JWT_SECRET, env: { NODE_ENV: 'production' } },
      { waitReady: false },
    );
    cleanups.push(() => api.stop());
    const exit = await api.exited;
    expect(exit.code).toBe(1);
    expect(api.stderr).toMatch(/SMTP_URL: is required in production .*MAIL_TRANSPORT=log/);
  });
});
