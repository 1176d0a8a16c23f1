import { AppErrorCode, type BearerAuthResult, ErrorMessages, type User } from '@app/contracts';
import { MailKind } from '@app/server-core';
import {
  type Account,
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
} from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './support';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await SmtpSink.start();
});
afterAll(async () => {
  await sink?.stop();
});

const verify = (on: TestServer, token: string) => trpcMutation(on.url, 'auth.verifyEmail', { token });
const resend = (on: TestServer, accessToken: string) => trpcMutation(on.url, 'auth.resendVerification', undefined, { token: accessToken });
const me = (on: TestServer, accessToken: string) => trpcQuery<User>(on.url, 'auth.me', undefined, { token: accessToken });

/** The token of the `nth` verification mail that arrived for the account. */
async function verificationToken(account: Account, nth = 1): Promise<string> {
  const mail = await sink.waitForMail(account.email, MailKind.emailVerification, nth);
  expect(mail.token).toBeDefined();
  return mail.token as string;
}

describe('email verification', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { ...mailThrough(sink), rateLimits: { ...testConfig().rateLimits, verificationResendPerUser: { max: 2, windowMs: 60_000 } } } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('signup mails a verification link; opening it verifies the address; opening it again still succeeds', async () => {
    const account = await signUp(server);
    expect(account.user.emailVerified).toBe(false);
    const mail = await sink.waitForMail(account.email, MailKind.emailVerification);
    expect(mail.subject).toBe('Verify your email address');
    expect(mail.link).toMatch(/^http:\/\/localhost:4200\/verify-email\?token=[A-Za-z0-9_-]{43}$/);

    const res = await verify(server, mail.token as string);
    expect(res.status, res.text).toBe(200);
    expect(res.data).toEqual({ ok: true });
    // The same access token sees the change at once.
    expect((await me(server, account.accessToken)).data.emailVerified).toBe(true);
    expect((await verify(server, mail.token as string)).status).toBe(200);
  });

  it('resendVerification mails a new link that replaces the old one; once verified it answers 409 EMAIL_ALREADY_VERIFIED', async () => {
    const account = await signUp(server);
    const first = await verificationToken(account, 1);
    const res = await resend(server, account.accessToken);
    expect(res.status, res.text).toBe(200);
    expect(res.data).toEqual({ ok: true });
    const second = await verificationToken(account, 2);
    expect(second).not.toBe(first);

    const old = await verify(server, first);
    expectError(old, 400, AppErrorCode.VerificationTokenExpired);
    expect(old.error?.message).toBe(ErrorMessages.verificationTokenReplaced);
    expect((await verify(server, second)).status).toBe(200);

    const again = await resend(server, account.accessToken);
    expectError(again, 409, AppErrorCode.EmailAlreadyVerified);
    expect(again.error?.message).toBe(ErrorMessages.emailAlreadyVerified);
  });

  it('an unknown or altered link is VERIFICATION_TOKEN_INVALID and verifies nothing', async () => {
    const account = await signUp(server);
    const token = await verificationToken(account);
    const res = await verify(server, `${token.slice(0, -2)}zz`);
    expectError(res, 400, AppErrorCode.VerificationTokenInvalid);
    expect(res.error?.message).toBe(ErrorMessages.verificationTokenInvalid);
    expect((await me(server, account.accessToken)).data.emailVerified).toBe(false);
    // A reset link is not a verification link.
    await trpcMutation(server.url, 'auth.requestPasswordReset', { email: account.email });
    const reset = await sink.waitForMail(account.email, MailKind.passwordReset);
    expectError(await verify(server, reset.token as string), 400, AppErrorCode.VerificationTokenInvalid);
  });

  it('resendVerification needs a session and is limited per user', async () => {
    expectError(await trpcMutation(server.url, 'auth.resendVerification'), 401, AppErrorCode.Unauthenticated);
    const account = await signUp(server);
    expect((await resend(server, account.accessToken)).status).toBe(200);
    expect((await resend(server, account.accessToken)).status).toBe(200);
    const limited = await resend(server, account.accessToken);
    expectError(limited, 429, AppErrorCode.RateLimited);
    expect(limited.headers.get('retry-after')).toBeTruthy();
  });

  it('a password reset link verifies the address too', async () => {
    const account = await signUp(server);
    await trpcMutation(server.url, 'auth.requestPasswordReset', { email: account.email });
    const reset = await sink.waitForMail(account.email, MailKind.passwordReset);
    expect((await trpcMutation(server.url, 'auth.resetPassword', { token: reset.token, newPassword: strongPassword() })).status).toBe(200);
    const users = await server.services.db.selectFrom('users').select('email_verified_at').where('id', '=', account.user.id).execute();
    expect(users[0]?.email_verified_at).not.toBeNull();
  });
});

describe('verification links expire', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { ...mailThrough(sink), verificationTokenTtlMs: 1_000 } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a link past VERIFICATION_TOKEN_TTL is VERIFICATION_TOKEN_EXPIRED, saying to ask for a new one', async () => {
    const account = await signUp(server);
    const token = await verificationToken(account);
    await sleep(1_200);
    const res = await verify(server, token);
    expectError(res, 400, AppErrorCode.VerificationTokenExpired);
    expect(res.error?.message).toBe(ErrorMessages.verificationTokenExpired);
  });
});

describe('REQUIRE_EMAIL_VERIFICATION=true', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { ...mailThrough(sink), requireEmailVerification: true } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('an unverified account gets 403 EMAIL_NOT_VERIFIED on everything but me, resendVerification, verifyEmail, refresh and logout; verifying lifts it at once', async () => {
    const account = await signUp(server);
    const token = account.accessToken;
    const gated = [
      await trpcQuery(server.url, 'people.list', undefined, { token }),
      await trpcMutation(server.url, 'people.create', { firstName: 'Ada', lastName: 'Lovelace' }, { token }),
      await trpcQuery(server.url, 'auth.sessions', undefined, { token }),
      await trpcMutation(server.url, 'auth.revokeSession', { sessionId: crypto.randomUUID() }, { token }),
      await trpcMutation(server.url, 'auth.changePassword', { currentPassword: account.password, newPassword: strongPassword() }, { token }),
      await trpcQuery(server.url, 'users.list', undefined, { token }),
    ];
    for (const res of gated) {
      expectError(res, 403, AppErrorCode.EmailNotVerified);
      expect(res.error?.message).toBe(ErrorMessages.emailNotVerified);
    }
    expect((await me(server, token)).status).toBe(200);
    expect((await resend(server, token)).status).toBe(200);
    const refreshed = await trpcMutation<BearerAuthResult>(server.url, 'auth.refresh', { refreshToken: account.refreshToken });
    expect(refreshed.status).toBe(200);

    const link = await verificationToken(account, 2);
    expect((await verify(server, link)).status).toBe(200);
    const fresh = refreshed.data.accessToken;
    expect((await trpcQuery(server.url, 'people.list', undefined, { token: fresh })).status).toBe(200);
    expect((await trpcQuery(server.url, 'auth.sessions', undefined, { token: fresh })).status).toBe(200);
    expect((await trpcMutation(server.url, 'auth.logout', undefined, { token: fresh })).status).toBe(200);
  });

  it('an unverified account can sign out', async () => {
    const account = await signUp(server);
    expect((await trpcMutation(server.url, 'auth.logout', { allDevices: true }, { token: account.accessToken })).status).toBe(200);
    expectError(await me(server, account.accessToken), 401, AppErrorCode.SessionRevoked);
  });
});
