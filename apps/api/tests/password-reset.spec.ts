import { AppErrorCode, type BearerAuthResult, ErrorMessages, type User } from '@app/contracts';
import { MailKind } from '@app/server-core';
import {
  logIn,
  mailThrough,
  signUp,
  SmtpSink,
  sleep,
  startTestServer,
  strongPassword,
  testConfig,
  type TestServer,
  trpcMutation,
  trpcQuery,
  uniqueEmail,
} from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectNoLeak } from './support';

let sink: SmtpSink;
let server: TestServer;
beforeAll(async () => {
  sink = await SmtpSink.start();
  server = await startTestServer({ config: mailThrough(sink) });
});
afterAll(async () => {
  await server?.close();
  await sink?.stop();
});

const requestReset = (email: string, on = server) => trpcMutation(on.url, 'auth.requestPasswordReset', { email });
const resetPassword = (token: string | undefined, newPassword: string, on = server) =>
  trpcMutation(on.url, 'auth.resetPassword', { token, newPassword });
const login = (email: string, password: string) => trpcMutation<BearerAuthResult>(server.url, 'auth.login', { email, password });
const me = (token: string) => trpcQuery<User>(server.url, 'auth.me', undefined, { token });
const refresh = (refreshToken: string) => trpcMutation<BearerAuthResult>(server.url, 'auth.refresh', { refreshToken });

/** Asks for a reset link for `email` and returns the token from the mail that arrives (the `nth` reset mail to it). */
async function resetTokenFor(email: string, nth = 1, on = server): Promise<string> {
  const res = await requestReset(email, on);
  expect(res.status, res.text).toBe(200);
  const mail = await sink.waitForMail(email, MailKind.passwordReset, nth);
  expect(mail.token).toBeDefined();
  return mail.token as string;
}

describe('password reset by email', () => {
  it('the mailed link sets a new password: the old one stops working, every session ends, the address counts as verified', async () => {
    const account = await signUp(server);
    const phone = await logIn(server, account);
    expect(account.user.emailVerified).toBe(false);

    const res = await requestReset(account.email);
    expect(res.status, res.text).toBe(200);
    expect(res.data).toEqual({ ok: true });
    const mail = await sink.waitForMail(account.email, MailKind.passwordReset);
    expect(mail.to).toEqual([account.email]);
    expect(mail.from).toContain('no-reply@localhost');
    expect(mail.subject).toBe('Reset your password');
    expect(mail.link).toMatch(/^http:\/\/localhost:4200\/reset-password\?token=[A-Za-z0-9_-]{43}$/);
    expect(mail.html).toContain(mail.link);

    const newPassword = strongPassword();
    const reset = await resetPassword(mail.token, newPassword);
    expect(reset.status, reset.text).toBe(200);
    expect(reset.data).toEqual({ ok: true });
    expectNoLeak(reset.text);

    expectError(await login(account.email, account.password), 401, AppErrorCode.InvalidCredentials);
    for (const session of [account, phone]) {
      expectError(await me(session.accessToken), 401, AppErrorCode.SessionRevoked);
      expectError(await refresh(session.refreshToken), 401, AppErrorCode.RefreshInvalid);
    }
    const signedIn = await login(account.email, newPassword);
    expect(signedIn.status).toBe(200);
    expect(signedIn.data.user.emailVerified).toBe(true);
  });

  it('20 parallel uses of one link: exactly one sets its password, the others are told the link was used', async () => {
    const account = await signUp(server);
    const token = await resetTokenFor(account.email);
    const passwords = Array.from({ length: 20 }, () => strongPassword());
    const results = await Promise.all(passwords.map((password) => resetPassword(token, password)));

    const winners = results.flatMap((res, index) => (res.status === 200 ? [passwords[index] as string] : []));
    expect(winners).toHaveLength(1);
    for (const res of results.filter((r) => r.status !== 200)) {
      expectError(res, 400, AppErrorCode.ResetTokenUsed);
      expect(res.error?.message).toBe(ErrorMessages.resetTokenUsed);
    }
    // Only the winner's password works.
    const logins = await Promise.all(passwords.map((password) => login(account.email, password)));
    expect(logins.filter((res) => res.status === 200)).toHaveLength(1);
    expect((await login(account.email, winners[0] as string)).status).toBe(200);
  });

  it('a used link is refused with RESET_TOKEN_USED and changes nothing', async () => {
    const account = await signUp(server);
    const token = await resetTokenFor(account.email);
    const first = strongPassword();
    expect((await resetPassword(token, first)).status).toBe(200);
    const again = await resetPassword(token, strongPassword());
    expectError(again, 400, AppErrorCode.ResetTokenUsed);
    expect(again.error?.message).toBe(ErrorMessages.resetTokenUsed);
    expect((await login(account.email, first)).status).toBe(200);
  });

  it('an unknown, truncated or altered link is refused with RESET_TOKEN_INVALID and a message saying to ask for a new one', async () => {
    const account = await signUp(server);
    const token = await resetTokenFor(account.email);
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [altered, token.slice(0, 20), 'x'.repeat(43), `${token}x`]) {
      const res = await resetPassword(bad, strongPassword());
      expectError(res, 400, AppErrorCode.ResetTokenInvalid);
      expect(res.error?.message).toBe(ErrorMessages.resetTokenInvalid);
    }
    // The real link still works afterwards.
    expect((await resetPassword(token, strongPassword())).status).toBe(200);
  });

  it('a missing or oversized token and a weak password are input errors (400 INVALID_INPUT with field errors)', async () => {
    const account = await signUp(server);
    const token = await resetTokenFor(account.email);
    for (const res of [await resetPassword(undefined, strongPassword()), await resetPassword('', strongPassword()), await resetPassword('x'.repeat(201), strongPassword())]) {
      expectError(res, 400, AppErrorCode.InvalidInput);
      expect(res.error?.data.zodError?.fieldErrors['token']).toBeDefined();
    }
    const weak = await resetPassword(token, 'password');
    expectError(weak, 400, AppErrorCode.InvalidInput);
    expect(weak.error?.data.zodError?.fieldErrors['newPassword']).toBeDefined();
    // A refused input does not use the link up.
    expect((await resetPassword(token, strongPassword())).status).toBe(200);
  });

  it('a newer request replaces the older link: the old one is refused as replaced, the newer one works', async () => {
    const account = await signUp(server);
    const older = await resetTokenFor(account.email, 1);
    const newer = await resetTokenFor(account.email, 2);
    expect(newer).not.toBe(older);
    const res = await resetPassword(older, strongPassword());
    expectError(res, 400, AppErrorCode.ResetTokenExpired);
    expect(res.error?.message).toBe(ErrorMessages.resetTokenReplaced);
    const password = strongPassword();
    expect((await resetPassword(newer, password)).status).toBe(200);
    expect((await login(account.email, password)).status).toBe(200);
  });

  it('an unknown email gets the same answer as a known one, and no mail is sent or stored for it', async () => {
    const account = await signUp(server);
    const nobody = uniqueEmail('nobody');
    const known = await requestReset(account.email);
    const unknown = await requestReset(nobody);
    expect(unknown.status).toBe(known.status);
    expect(unknown.text).toBe(known.text);
    expect(unknown.headers.get('content-type')).toBe(known.headers.get('content-type'));
    await sink.waitForMail(account.email, MailKind.passwordReset);
    // Give the sender time to send anything else it had.
    await sleep(300);
    expect(sink.mailsTo(nobody)).toEqual([]);
    const queued = await server.services.db.selectFrom('mail_outbox').select('id').where('recipient', '=', nobody).execute();
    expect(queued).toEqual([]);
  });

  it('only a hash of the token is stored, and the sent mail keeps no link', async () => {
    const account = await signUp(server);
    const token = await resetTokenFor(account.email);
    await sleep(100); // the mail is marked sent just after the relay accepted it
    const tokens = await server.services.db.selectFrom('account_tokens').select('token_hash').where('user_id', '=', account.user.id).execute();
    expect(tokens.length).toBeGreaterThan(0);
    for (const row of tokens) expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens.map((row) => row.token_hash)).not.toContain(token);
    const mails = await server.services.db
      .selectFrom('mail_outbox')
      .select(['text_body', 'html_body', 'link', 'sent_at'])
      .where('recipient', '=', account.email)
      .execute();
    for (const mail of mails) {
      expect(mail.sent_at).not.toBeNull();
      expect([mail.text_body, mail.html_body, mail.link]).toEqual([null, null, null]);
    }
  });
});

describe('reset links expire', () => {
  let shortLived: TestServer;
  beforeAll(async () => {
    shortLived = await startTestServer({ config: { ...mailThrough(sink), resetTokenTtlMs: 1_000 } });
  });
  afterAll(async () => {
    await shortLived?.close();
  });

  it('a link past RESET_TOKEN_TTL is refused with RESET_TOKEN_EXPIRED, saying to ask for a new one', async () => {
    const account = await signUp(shortLived);
    const token = await resetTokenFor(account.email, 1, shortLived);
    await sleep(1_200);
    const res = await resetPassword(token, strongPassword(), shortLived);
    expectError(res, 400, AppErrorCode.ResetTokenExpired);
    expect(res.error?.message).toBe(ErrorMessages.resetTokenExpired);
    expect((await trpcMutation(shortLived.url, 'auth.login', { email: account.email, password: account.password })).status).toBe(200);
  });
});

describe('reset requests are rate-limited', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({
      config: {
        ...mailThrough(sink),
        // X-Forwarded-For from the test (on loopback) names the client, so a test can speak from another address.
        trustProxy: 'loopback',
        rateLimits: {
          ...testConfig().rateLimits,
          passwordResetPerEmail: { max: 2, windowMs: 60_000 },
          passwordResetPerIp: { max: 6, windowMs: 60_000 },
          loginPerEmail: { max: 2, windowMs: 60_000 },
          loginPerEmailIp: { max: 2, windowMs: 60_000 },
        },
      },
    });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('per email, known or not (the same 429 either way), then per IP whatever the email', async () => {
    const account = await signUp(limited);
    const nobody = uniqueEmail('nobody');
    for (const email of [account.email, nobody]) {
      expect((await requestReset(email, limited)).status).toBe(200);
      expect((await requestReset(email, limited)).status).toBe(200);
    }
    const knownLimited = await requestReset(account.email, limited);
    const unknownLimited = await requestReset(nobody, limited);
    expectError(knownLimited, 429, AppErrorCode.RateLimited);
    expectError(unknownLimited, 429, AppErrorCode.RateLimited);
    expect(knownLimited.headers.get('retry-after')).toBeTruthy();
    // Six requests from this address so far, the limit: the seventh is refused whatever the email.
    expectError(await requestReset(uniqueEmail('other'), limited), 429, AppErrorCode.RateLimited);
  });

  it('failed sign-ins before a reset do not lock the owner out of the new password', async () => {
    const account = await signUp(limited);
    const loginOn = (password: string) => trpcMutation(limited.url, 'auth.login', { email: account.email, password });
    expectError(await loginOn('Wrong#Guess-1'), 401, AppErrorCode.InvalidCredentials);
    expectError(await loginOn('Wrong#Guess-2'), 401, AppErrorCode.InvalidCredentials);
    expectError(await loginOn(account.password), 429, AppErrorCode.RateLimited);
    // A fresh address for the request: this file's earlier test used up the per-IP reset limit.
    const other = { headers: { 'x-forwarded-for': '198.51.100.7' } };
    expect((await trpcMutation(limited.url, 'auth.requestPasswordReset', { email: account.email }, other)).status).toBe(200);
    const mail = await sink.waitForMail(account.email, MailKind.passwordReset);
    const password = strongPassword();
    expect((await resetPassword(mail.token, password, limited)).status).toBe(200);
    expect((await loginOn(password)).status).toBe(200);
  });
});
