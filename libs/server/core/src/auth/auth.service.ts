import type { BearerAuthResult, Session, User } from '@app/contracts';
import {
  countHitsAndFindCredentials,
  type Credentials,
  type Database,
  findCredentialsByEmail,
  findSessionForUpdate,
  deleteEndedSessions,
  findUserByEmail,
  insertSession,
  insertSignIn,
  insertUser,
  isUniqueViolation,
  listLiveSessions,
  type NewSession,
  revokeSession,
  revokeUserSessions,
  rotateIfCurrent,
  saveRotation,
  type SessionChange,
  type SessionLookup,
} from '@app/server-data-access';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { ServerConfig } from '@app/server-config';
import type { AuthEventRecorder } from '../auth-events/auth-event-recorder';
import { EmailTakenError, InvalidCredentialsError, NotFoundError, RefreshRejectedError } from '../errors';
import type { SessionActivity } from './session-activity';
import type { Passwords } from './passwords';
import { countsOf, type RateLimit, type RateLimiter } from './rate-limiter';
import { RefreshTokens } from './refresh-tokens';
import { type AccessClaims, AccessTokens, InvalidAccessTokenError } from './tokens';

/** Who is calling and from where; stored on the session for the "my sessions" list. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** The caller behind a valid access token whose session is still live. */
export interface Principal extends User {
  sessionId: string;
}

/** Outcome of checking an access token: a principal, or why not. */
export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked'; claims?: AccessClaims };

/** How a sign-out went: the session ended, the token had expired (refresh, then retry), or there was no valid token. */
export type SignOutOutcome = 'signed-out' | 'token-expired' | 'not-signed-in';

const USER_AGENT_MAX = 512;

/** A call made outside any request (scripts, start-up). */
export const NO_CLIENT: ClientInfo = { ip: null, userAgent: null };

/** Whether a session can no longer be used: signed out, revoked, or past its absolute expiry. */
export function sessionHasEnded(session: { revokedAt: Date | null; expiresAt: Date }, now = Date.now()): boolean {
  return session.revokedAt !== null || session.expiresAt.getTime() <= now;
}

/** The session a result belongs to: the first part of its refresh token. */
export function sessionIdOf(result: BearerAuthResult): string {
  return result.refreshToken.slice(0, result.refreshToken.indexOf('.'));
}

/** What signup does about the new address: a verification mail, queued in the signup's transaction. */
export interface SignupMail {
  queueVerification(trx: Kysely<Database>, user: User): Promise<void>;
  /** After the signup committed: wakes the sender. */
  mailQueued(): void;
}

/** Signup, login, refresh rotation, logout and sessions. Throws domain errors (see ../errors.ts). */
export class AuthService {
  readonly accessTokens: AccessTokens;
  readonly refreshTokens: RefreshTokens;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly config: ServerConfig,
    private readonly passwords: Passwords,
    private readonly limiter: RateLimiter,
    private readonly sessionLookup: SessionLookup,
    private readonly activity: SessionActivity,
    private readonly events: AuthEventRecorder,
    private readonly signupMail?: SignupMail,
  ) {
    this.accessTokens = new AccessTokens(config.jwtSecret, {
      issuer: config.issuer,
      audience: config.audience,
      ttlMs: config.accessTokenTtlMs,
    });
    this.refreshTokens = new RefreshTokens(config.jwtSecret);
  }

  async signup(input: { email: string; password: string }, client: ClientInfo): Promise<BearerAuthResult> {
    await this.limiter.consume(`signup-ip:${client.ip ?? 'unknown'}`, this.config.rateLimits.signupPerIp);
    // Fast answer for the common case; the unique index settles races below.
    if (await findUserByEmail(this.db, input.email)) throw new EmailTakenError();
    const passwordHash = await this.passwords.hash(input.password);
    let result: BearerAuthResult;
    try {
      result = await this.db.transaction().execute(async (trx) => {
        const user = await insertUser(trx, { id: randomUUID(), email: input.email, passwordHash, role: 'user' });
        await this.signupMail?.queueVerification(trx, user);
        return this.startSession(trx, user, client);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenError();
      throw error;
    }
    this.signupMail?.mailQueued();
    await this.events.record({ userId: result.user.id, type: 'signed_up', client, detail: { sessionId: sessionIdOf(result) } });
    return result;
  }

  /**
   * Signs in. Limits, each counted before checking, atomically, so parallel guesses cannot slip
   * past them: per client IP and per (email, IP), both tight; per email, much looser, so a
   * stranger's guesses cannot lock the owner out, and skipped for a device that holds a live
   * session of that account (`deviceAccessToken`, the access token it sent). Counted in that
   * order, and only up to the first limit reached. A success clears the per-email counts.
   */
  async login(input: { email: string; password: string }, client: ClientInfo, deviceAccessToken: string | null = null): Promise<BearerAuthResult> {
    const { rateLimits } = this.config;
    const emailIpKey = `login-email-ip:${input.email}|${client.ip ?? 'unknown'}`;
    const emailKey = `login-email:${input.email}`;
    const limits: RateLimit[] = [
      { key: `login-ip:${client.ip ?? 'unknown'}`, rule: rateLimits.loginPerIp },
      { key: emailIpKey, rule: rateLimits.loginPerEmailIp },
    ];
    if (!(await this.holdsSessionOf(input.email, deviceAccessToken))) limits.push({ key: emailKey, rule: rateLimits.loginPerEmail });
    const found = await this.countAndFindCredentials(limits, input.email);
    // Unknown email or wrong password: the same bcrypt work and the same answer.
    const valid = found
      ? await this.passwords.verify(input.password, found.passwordHash)
      : await this.passwords.verifyAgainstDummy(input.password);
    if (found && !valid) {
      // Not awaited: only known accounts get this write, and waiting for it would tell them apart.
      this.events.recordInBackground({ userId: found.id, type: 'sign_in_failed', client });
    }
    if (!found || !valid) throw new InvalidCredentialsError();
    const { passwordHash: _hash, ...user } = found;
    return this.startSignedInSession(user, client, [emailKey, emailIpKey]);
  }

  /**
   * Counts `limits` (refusing the call over any of them), then reads the account's credentials:
   * in one statement when the counters are in the database, in two steps when they are not.
   */
  private async countAndFindCredentials(limits: readonly RateLimit[], email: string): Promise<Credentials | undefined> {
    if (!this.limiter.inDatabase) {
      await this.limiter.consumeInTurn(limits);
      return findCredentialsByEmail(this.db, email);
    }
    const { hits, credentials } = await countHitsAndFindCredentials(this.db, countsOf(limits), email);
    this.limiter.refuseOver(limits, hits);
    return credentials;
  }

  /** Whether `accessToken` is valid and of a live session of the account with this email. */
  private async holdsSessionOf(email: string, accessToken: string | null): Promise<boolean> {
    if (!accessToken) return false;
    const result = await this.authenticate(accessToken);
    return result.ok && result.principal.email === email;
  }

  /**
   * Rotates a refresh token. The token's tag is checked first, without the database: a token this
   * server did not issue is refused at once. Otherwise, in one transaction holding the session's
   * row lock (see RefreshTokens.standing; every check is O(1) whatever the session's age):
   * - current token → the next one;
   * - the token just replaced, within the grace window → the same current token (two tabs, retries);
   * - a genuine older token of this session, or the replaced one after the window → reuse: the
   *   whole session is revoked (committed) and the call is refused;
   * - anything else → refused, nothing changed.
   */
  async refresh(rawToken: string | undefined, client: ClientInfo): Promise<BearerAuthResult> {
    await this.limiter.consume(`refresh-ip:${client.ip ?? 'unknown'}`, this.config.rateLimits.refreshPerIp);
    const token = rawToken ? this.refreshTokens.parse(rawToken) : undefined;
    if (!token) throw new RefreshRejectedError('malformed');
    if (token.kind === 'forged') throw new RefreshRejectedError('mismatch');
    const rt = this.refreshTokens;

    // Almost every refresh presents the current token: one statement, no transaction.
    if (token.kind === 'tagged') {
      const nextSecret = rt.next(token.secret);
      const rotated = await rotateIfCurrent(this.db, token.sessionId, {
        generation: token.generation,
        currentHash: rt.hash(token.secret),
        nextHash: rt.hash(nextSecret),
        rotatedAt: new Date(),
        ip: client.ip,
        userAgent: truncate(client.userAgent),
      });
      if (rotated) {
        const user = { id: rotated.userId, email: rotated.email, role: rotated.role, emailVerified: rotated.emailVerified };
        return this.issue(user, token.sessionId, rt.format(token.sessionId, token.generation + 1, nextSecret), rotated.expiresAt);
      }
    }

    const outcome = await this.db.transaction().execute(async (trx) => {
      const session = await findSessionForUpdate(trx, token.sessionId);
      if (!session) return { ok: false as const, error: 'unknown' as const };
      const now = new Date();
      if (session.revokedAt) return { ok: false as const, error: 'revoked' as const };
      if (session.expiresAt.getTime() <= now.getTime()) return { ok: false as const, error: 'expired' as const };

      const withinGrace =
        session.rotatedAt !== null && now.getTime() - session.rotatedAt.getTime() <= this.config.refreshReuseGraceMs;
      const standing = rt.standing(token, session, withinGrace);
      const nextSecret = rt.next(token.secret);
      switch (standing) {
        case 'current':
          await saveRotation(trx, session.id, {
            tokenHash: rt.hash(nextSecret),
            prevTokenHash: rt.hash(token.secret),
            generation: session.generation + 1,
            rotatedAt: now,
            ip: client.ip,
            userAgent: truncate(client.userAgent),
          });
          return { ok: true as const, session, token: rt.format(session.id, session.generation + 1, nextSecret) };
        case 'just-replaced':
          return { ok: true as const, session, token: rt.format(session.id, session.generation, nextSecret) };
        case 'reused':
          await revokeSession(trx, session.id, { at: now });
          return { ok: false as const, error: 'reused' as const, userId: session.userId };
        case 'wrong':
          return { ok: false as const, error: 'mismatch' as const };
      }
    });

    if (!outcome.ok) {
      if (outcome.error === 'reused') {
        this.sessionsChanged({ sessionId: token.sessionId });
        await this.events.record({ userId: outcome.userId, type: 'refresh_reuse_detected', client, detail: { sessionId: token.sessionId } });
      }
      throw new RefreshRejectedError(outcome.error);
    }
    // The user's email and role were read with the locked session row: no second lookup.
    const { session } = outcome;
    const user = { id: session.userId, email: session.email, role: session.role, emailVerified: session.emailVerified };
    return this.issue(user, session.id, outcome.token, session.expiresAt);
  }

  /** Checks an access token and that its session is still live; the role comes from the database. */
  async authenticate(token: string): Promise<Authentication> {
    let claims: AccessClaims;
    try {
      claims = this.accessTokens.verify(token);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) return { ok: false, reason: error.expired ? 'expired' : 'invalid' };
      throw error;
    }
    const principal = await this.sessionLookup.find(claims.sessionId);
    if (!principal || principal.userId !== claims.userId) return { ok: false, reason: 'invalid' };
    if (sessionHasEnded(principal)) return { ok: false, reason: 'revoked', claims };
    this.activity.used(principal.sessionId);
    return {
      ok: true,
      principal: {
        id: principal.userId,
        email: principal.email,
        role: principal.role,
        emailVerified: principal.emailVerified,
        sessionId: principal.sessionId,
      },
    };
  }

  /**
   * Ends this session (or, with `allDevices`, all of the user's). Idempotent: a genuine token of a
   * session that already ended still signs out. An *expired* token is refused without ending
   * anything, so the client can refresh and retry and the session really ends.
   */
  async signOut(accessToken: string | null, options: { allDevices: boolean }, client: ClientInfo): Promise<SignOutOutcome> {
    if (!accessToken) return 'not-signed-in';
    const result = await this.authenticate(accessToken);
    if (result.ok) {
      const { id, sessionId } = result.principal;
      if (options.allDevices) await revokeUserSessions(this.db, id);
      else await revokeSession(this.db, sessionId, { userId: id });
      this.sessionsChanged(options.allDevices ? { userId: id } : { sessionId });
      await this.events.record({ userId: id, type: 'signed_out', client, detail: { sessionId, allDevices: options.allDevices } });
      return 'signed-out';
    }
    // A genuine token of a session that already ended signs out only itself (idempotent): it has
    // no power over the user's other sessions, whatever `allDevices` says.
    if (result.reason === 'revoked') return 'signed-out';
    return result.reason === 'expired' ? 'token-expired' : 'not-signed-in';
  }

  /**
   * Ends the session a refresh token belongs to (with `allDevices`, all of the user's): a sign-out
   * whose access token has expired or is gone, by the refresh token a bearer client sends in the
   * body of `auth.logout` or a browser's refresh cookie. Only a genuine token counts: a forged tag
   * is refused without the database, and a wrong secret for a real session id changes nothing. A
   * genuine older token is reuse, which ends its session as a refresh would, but never the user's
   * other sessions.
   */
  async signOutByRefreshToken(rawToken: string, options: { allDevices: boolean }, client: ClientInfo): Promise<SignOutOutcome> {
    const token = this.refreshTokens.parse(rawToken);
    if (!token || token.kind === 'forged') return 'not-signed-in';
    const { sessionId } = token;
    type Ended = { userId: string; change: SessionChange; reused: boolean; allDevices: boolean };
    const outcome = await this.db.transaction().execute(async (trx): Promise<Ended | 'already-ended' | 'not-genuine'> => {
      const session = await findSessionForUpdate(trx, sessionId);
      if (!session) return 'not-genuine';
      const now = new Date();
      const withinGrace = session.rotatedAt !== null && now.getTime() - session.rotatedAt.getTime() <= this.config.refreshReuseGraceMs;
      const standing = this.refreshTokens.standing(token, session, withinGrace);
      if (standing === 'wrong') return 'not-genuine';
      if (sessionHasEnded(session, now.getTime())) return 'already-ended';
      const reused = standing === 'reused';
      if (options.allDevices && !reused) {
        await revokeUserSessions(trx, session.userId);
        return { userId: session.userId, change: { userId: session.userId }, reused, allDevices: true };
      }
      await revokeSession(trx, sessionId, { at: now });
      return { userId: session.userId, change: { sessionId }, reused, allDevices: false };
    });
    if (outcome === 'not-genuine') return 'not-signed-in';
    if (outcome === 'already-ended') return 'signed-out';
    this.sessionsChanged(outcome.change);
    await this.events.record(
      outcome.reused
        ? { userId: outcome.userId, type: 'refresh_reuse_detected', client, detail: { sessionId } }
        : { userId: outcome.userId, type: 'signed_out', client, detail: { sessionId, allDevices: outcome.allDevices } },
    );
    return 'signed-out';
  }

  /**
   * `auth.logout`: ends the session by whichever of the caller's tokens can. The access token
   * first (see `signOut`); when it cannot (expired, missing, not genuine), the refresh token (see
   * `signOutByRefreshToken`): a bearer client sends it in the body, a browser's refresh cookie
   * reaches `auth.logout`. Only a genuine refresh token turns the answer into `signed-out`; any
   * other keeps the access token's outcome, so an expired access token with a wrong refresh token
   * is still `token-expired`.
   */
  async logout(
    tokens: { accessToken: string | null; refreshToken: string | null },
    options: { allDevices: boolean },
    client: ClientInfo,
  ): Promise<SignOutOutcome> {
    const outcome = await this.signOut(tokens.accessToken, options, client);
    if (outcome === 'signed-out' || tokens.refreshToken === null) return outcome;
    return (await this.signOutByRefreshToken(tokens.refreshToken, options, client)) === 'signed-out' ? 'signed-out' : outcome;
  }

  async sessions(principal: Principal): Promise<Session[]> {
    const sessions = await listLiveSessions(this.db, principal.id, new Date());
    return sessions.map((session) => ({
      id: session.id,
      createdAt: session.createdAt.toISOString(),
      lastUsedAt: session.lastUsedAt.toISOString(),
      expiresAt: session.expiresAt.toISOString(),
      userAgent: session.userAgent,
      ip: session.ip,
      current: session.id === principal.sessionId,
    }));
  }

  /** Revokes one of the caller's own sessions. Throws NotFoundError when it is not theirs or already ended. */
  async revokeSession(principal: Principal, sessionId: string, client: ClientInfo): Promise<void> {
    if (!(await revokeSession(this.db, sessionId, { userId: principal.id }))) throw new NotFoundError('Session');
    this.sessionsChanged({ sessionId });
    await this.events.record({ userId: principal.id, type: 'session_revoked', client, detail: { sessionId } });
  }

  /**
   * Every service that ends sessions or changes what they stand for calls this once its change is
   * committed, so the next call on this process sees it at once (other processes learn it from
   * the database's notification within milliseconds).
   */
  sessionsChanged(change: SessionChange): void {
    this.sessionLookup.changed(change);
  }

  /** Forgets sessions that ended (expired or revoked) before `before`. */
  deleteEndedSessions(before: Date): Promise<number> {
    return deleteEndedSessions(this.db, before);
  }

  /** A new session (a login on this device) for `user`, inside the caller's transaction when `db` is one. */
  async startSession(db: Kysely<Database>, user: User, client: ClientInfo): Promise<BearerAuthResult> {
    const { session, refreshToken } = this.newSession(user, client);
    await insertSession(db, session);
    return this.issue(user, session.id, refreshToken, session.expiresAt);
  }

  /**
   * A login's session and its `signed_in` event, with the rate-limit counters `clearCounters`
   * cleared: in one statement when the counters are in the database, or cleared first when they
   * are not (see AuthEventRecorder.recordWith for a statement the database refuses).
   */
  private async startSignedInSession(user: User, client: ClientInfo, clearCounters: string[]): Promise<BearerAuthResult> {
    const { session, refreshToken } = this.newSession(user, client);
    const clearInStatement = this.limiter.inDatabase;
    if (!clearInStatement) await this.limiter.reset(...clearCounters);
    await this.events.recordWith(
      { userId: user.id, type: 'signed_in', client, detail: { sessionId: session.id } },
      (event) => insertSignIn(this.db, session, event, clearInStatement ? clearCounters : []),
      async () => {
        await insertSession(this.db, session);
        if (clearInStatement) await this.limiter.reset(...clearCounters);
      },
    );
    return this.issue(user, session.id, refreshToken, session.expiresAt);
  }

  /** A session's row and its first refresh token. */
  private newSession(user: User, client: ClientInfo): { session: NewSession; refreshToken: string } {
    const secret = this.refreshTokens.newSecret();
    const now = new Date();
    const session: NewSession = {
      id: randomUUID(),
      userId: user.id,
      tokenHash: this.refreshTokens.hash(secret),
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.refreshTokenTtlMs),
      userAgent: truncate(client.userAgent),
      ip: client.ip,
    };
    return { session, refreshToken: this.refreshTokens.format(session.id, 0, secret) };
  }

  private issue(user: User, sessionId: string, refreshToken: string, sessionExpiresAt: Date): BearerAuthResult {
    const access = this.accessTokens.sign({ userId: user.id, sessionId, role: user.role });
    return {
      user: { id: user.id, email: user.email, role: user.role, emailVerified: user.emailVerified },
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken,
      refreshTokenExpiresAt: sessionExpiresAt.toISOString(),
    };
  }
}

function truncate(value: string | null): string | null {
  return value === null ? null : value.slice(0, USER_AGENT_MAX);
}
