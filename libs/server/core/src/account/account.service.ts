import type { BearerAuthResult } from '@app/contracts';
import type { ServerConfig } from '@app/server-config';
import { type Database, findCredentialsById, findSessionPrincipal, revokeSession, revokeUserSessions, updateUserPassword } from '@app/server-data-access';
import type { Kysely } from 'kysely';
import type { AuthEventRecorder } from '../auth-events/auth-event-recorder';
import { type AuthService, type ClientInfo, type Principal, sessionHasEnded, sessionIdOf } from '../auth/auth.service';
import type { Passwords } from '../auth/passwords';
import type { RateLimiter } from '../auth/rate-limiter';
import { NotFoundError, SessionEndedError, WrongCurrentPasswordError } from '../errors';

/** Changing a password (signed in) and, with mail, resetting it and verifying the address. */
export class AccountService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly config: ServerConfig,
    private readonly passwords: Passwords,
    private readonly limiter: RateLimiter,
    private readonly auth: AuthService,
    private readonly events: AuthEventRecorder,
  ) {}

  /**
   * Checks the current password (rate-limited per user: a stolen session must not become a
   * password oracle), stores the new one, and answers with a new session for this device: the
   * caller's session ends, so a copy of its tokens is worth nothing, and with
   * `signOutOtherDevices` every other session of the user ends too. One transaction: it all
   * happens or none of it.
   */
  async changePassword(
    principal: Principal,
    input: { currentPassword: string; newPassword: string; signOutOtherDevices: boolean },
    client: ClientInfo,
  ): Promise<BearerAuthResult> {
    const limitKey = `password-change-user:${principal.id}`;
    await this.limiter.consume(limitKey, this.config.rateLimits.passwordChangePerUser);
    const found = await findCredentialsById(this.db, principal.id);
    if (!found) throw new NotFoundError('User');
    if (!(await this.passwords.verify(input.currentPassword, found.passwordHash))) {
      // A second change from this session that read the password only after the first one stored
      // its new password: the session it came from has ended, and that is the answer it gets.
      // Read from the database: the live-session cache learns of an ended session a moment later.
      const session = await findSessionPrincipal(this.db, principal.sessionId);
      if (!session || sessionHasEnded(session)) throw new SessionEndedError();
      throw new WrongCurrentPasswordError();
    }
    const passwordHash = await this.passwords.hash(input.newPassword);

    const result = await this.db.transaction().execute(async (trx) => {
      // A concurrent sign-out (or a second change from this session) wins: no new session from an ended one.
      if (!(await revokeSession(trx, principal.sessionId, { userId: principal.id }))) throw new SessionEndedError();
      await updateUserPassword(trx, principal.id, passwordHash);
      if (input.signOutOtherDevices) await revokeUserSessions(trx, principal.id);
      const { passwordHash: _hash, ...user } = found;
      return this.auth.startSession(trx, user, client);
    });
    this.auth.sessionsChanged(input.signOutOtherDevices ? { userId: principal.id } : { sessionId: principal.sessionId });
    await this.limiter.reset(limitKey);
    await this.events.record({
      userId: principal.id,
      type: 'password_changed',
      client,
      detail: { sessionId: sessionIdOf(result), otherSessionsEnded: input.signOutOtherDevices },
    });
    return result;
  }
}
