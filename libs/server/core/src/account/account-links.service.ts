import { AppErrorCode, ErrorMessages, type User } from '@app/contracts';
import type { ServerConfig } from '@app/server-config';
import {
  type AccountTokenState,
  consumeAccountToken,
  type Database,
  deleteExpiredAccountTokens,
  deleteSentMails,
  enqueueMail,
  enqueueMailIfAccountExists,
  findAccountToken,
  findCredentialsById,
  findUserForUpdate,
  insertAccountToken,
  insertAccountTokenByEmail,
  markEmailVerified,
  replaceAccountTokens,
  replaceAccountTokensByEmail,
  revokeUserSessions,
  updateUserPassword,
} from '@app/server-data-access';
import type { Kysely } from 'kysely';
import { setTimeout } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { AuthEventRecorder } from '../auth-events/auth-event-recorder';
import type { AuthService, ClientInfo, Principal } from '../auth/auth.service';
import type { Passwords } from '../auth/passwords';
import type { RateLimiter } from '../auth/rate-limiter';
import { EmailAlreadyVerifiedError, LinkTokenError, NotFoundError } from '../errors';
import { linkTo, passwordResetMail, verificationMail } from '../mail/account-mails';
import { hashLinkToken, newLinkToken } from './link-tokens';

/**
 * The least time an accepted reset request takes to answer. The same statements run for a known
 * and an unknown email, but only a known one writes rows (and wakes the mail sender): ~1 ms more
 * of a ~6 ms answer, measurable from outside. Answering no sooner than this hides it, while the
 * work (a few milliseconds even on a busy machine) fits well inside.
 */
export const RESET_REQUEST_MIN_MS = 100;

/** Wakes the outbox's sender once a transaction that queued mail has committed. */
export interface MailNudge {
  nudge(): void;
}

/** Why a reset link does not work, or undefined when it would. */
function resetLinkProblem(state: AccountTokenState | undefined): LinkTokenError | undefined {
  if (!state) return new LinkTokenError(AppErrorCode.ResetTokenInvalid, ErrorMessages.resetTokenInvalid);
  if (state.used) return new LinkTokenError(AppErrorCode.ResetTokenUsed, ErrorMessages.resetTokenUsed);
  if (state.replaced) return new LinkTokenError(AppErrorCode.ResetTokenExpired, ErrorMessages.resetTokenReplaced);
  if (state.expired) return new LinkTokenError(AppErrorCode.ResetTokenExpired, ErrorMessages.resetTokenExpired);
  return undefined;
}

/** Why a verification link does not work (its address is not verified, or it would have worked). */
function verificationLinkProblem(state: AccountTokenState | undefined): LinkTokenError {
  if (state?.replaced) return new LinkTokenError(AppErrorCode.VerificationTokenExpired, ErrorMessages.verificationTokenReplaced);
  if (state?.expired) return new LinkTokenError(AppErrorCode.VerificationTokenExpired, ErrorMessages.verificationTokenExpired);
  return new LinkTokenError(AppErrorCode.VerificationTokenInvalid, ErrorMessages.verificationTokenInvalid);
}

/**
 * Password reset and email verification by mailed link. Each link's token is 256 random bits of
 * which only a SHA-256 is stored; the mail is queued in the transaction that stores the token,
 * and sent by the outbox (see ../mail/mail-worker.ts), so no request waits on SMTP.
 */
export class AccountLinksService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly config: ServerConfig,
    private readonly passwords: Passwords,
    private readonly limiter: RateLimiter,
    private readonly mail: MailNudge,
    private readonly auth: AuthService,
    private readonly events: AuthEventRecorder,
  ) {}

  /**
   * Mails a reset link if an account has this email. The caller cannot tell whether one does:
   * the answer is the same, and so is the work: the same statements run either way (they insert
   * nothing for an unknown email), and it answers no sooner than RESET_REQUEST_MIN_MS after it
   * began. Limited per IP and per email, known or not.
   */
  async requestPasswordReset(email: string, client: ClientInfo): Promise<void> {
    const answerAt = performance.now() + RESET_REQUEST_MIN_MS;
    const { rateLimits } = this.config;
    await this.limiter.consumeInTurn([
      { key: `reset-ip:${client.ip ?? 'unknown'}`, rule: rateLimits.passwordResetPerIp },
      { key: `reset-email:${email}`, rule: rateLimits.passwordResetPerEmail },
    ]);
    const token = newLinkToken();
    const ttlMs = this.config.resetTokenTtlMs;
    const mail = passwordResetMail(email, linkTo(this.config.mail.appUrl, 'reset-password', token), ttlMs);
    await this.db.transaction().execute(async (trx) => {
      await replaceAccountTokensByEmail(trx, email, 'password_reset');
      await insertAccountTokenByEmail(trx, { email, tokenHash: hashLinkToken(token), purpose: 'password_reset', ttlMs });
      await enqueueMailIfAccountExists(trx, mail);
    });
    this.mail.nudge();
    await setTimeout(Math.max(0, answerAt - performance.now()));
  }

  /**
   * Sets a new password from a reset link: the link is used once (one conditional UPDATE, so of
   * concurrent uses exactly one wins), every session of the user ends (as when changing the
   * password), and the address counts as verified (the link proved it). A link that does not
   * work says why and what to do next.
   */
  async resetPassword(input: { token: string; newPassword: string }, client: ClientInfo): Promise<void> {
    const tokenHash = hashLinkToken(input.token);
    // Refused links cost no bcrypt work.
    const problem = resetLinkProblem(await findAccountToken(this.db, tokenHash, 'password_reset'));
    if (problem) throw problem;
    const passwordHash = await this.passwords.hash(input.newPassword);
    const reset = await this.db.transaction().execute(async (trx) => {
      const userId = await consumeAccountToken(trx, tokenHash, 'password_reset');
      if (!userId) return undefined;
      await updateUserPassword(trx, userId, passwordHash);
      await revokeUserSessions(trx, userId);
      await markEmailVerified(trx, userId);
      const user = await findCredentialsById(trx, userId);
      return user && { userId, email: user.email };
    });
    // Another use of the link won meanwhile (or it expired in between): say which.
    if (reset === undefined) throw resetLinkProblem(await findAccountToken(this.db, tokenHash, 'password_reset')) ?? resetLinkProblem(undefined);
    // As for a password change: this process forgets the ended sessions at once.
    this.auth.sessionsChanged({ userId: reset.userId });
    // Failed sign-ins before the reset must not lock the owner out of the new password (the
    // account's count, and its count from the address that opened the link).
    await this.limiter.reset(`login-email:${reset.email}`, `login-email-ip:${reset.email}|${client.ip ?? 'unknown'}`);
    await this.events.record({ userId: reset.userId, type: 'password_reset', client, detail: { otherSessionsEnded: true } });
  }

  /** Marks the address verified. A link of an address that is verified already (used twice, say) just succeeds. */
  async verifyEmail(token: string, client: ClientInfo): Promise<void> {
    const tokenHash = hashLinkToken(token);
    const verifiedUserId = await this.db.transaction().execute(async (trx) => {
      const userId = await consumeAccountToken(trx, tokenHash, 'email_verification');
      if (userId) await markEmailVerified(trx, userId);
      return userId;
    });
    if (verifiedUserId) {
      // The user's sessions carry `emailVerified`: this process reads them afresh at once.
      this.auth.sessionsChanged({ userId: verifiedUserId });
      await this.events.record({ userId: verifiedUserId, type: 'email_verified', client });
      return;
    }
    const state = await findAccountToken(this.db, tokenHash, 'email_verification');
    if (state?.emailVerified) return;
    throw verificationLinkProblem(state);
  }

  /** A new verification link (older ones stop working); limited per user. */
  async resendVerification(principal: Principal): Promise<void> {
    await this.limiter.consume(`verification-resend-user:${principal.id}`, this.config.rateLimits.verificationResendPerUser);
    await this.db.transaction().execute(async (trx) => {
      const user = await findUserForUpdate(trx, principal.id);
      if (!user) throw new NotFoundError('User');
      if (user.emailVerified) throw new EmailAlreadyVerifiedError();
      await this.queueVerification(trx, user);
    });
    this.mail.nudge();
  }

  /** Stores a verification token and queues its mail, in the caller's transaction (signup's). Call `mailQueued` after it commits. */
  async queueVerification(trx: Kysely<Database>, user: Pick<User, 'id' | 'email'>): Promise<void> {
    const token = newLinkToken();
    const ttlMs = this.config.verificationTokenTtlMs;
    await replaceAccountTokens(trx, user.id, 'email_verification');
    await insertAccountToken(trx, { userId: user.id, tokenHash: hashLinkToken(token), purpose: 'email_verification', ttlMs });
    await enqueueMail(trx, verificationMail(user.email, linkTo(this.config.mail.appUrl, 'verify-email', token), ttlMs));
  }

  mailQueued(): void {
    this.mail.nudge();
  }

  /** Forgets mails sent and link tokens expired before `before`. */
  async deleteOldRecords(before: Date): Promise<void> {
    await deleteSentMails(this.db, before);
    await deleteExpiredAccountTokens(this.db, before);
  }
}
