import type { Role, User, UsersPage } from '@app/contracts';
import {
  type Database,
  findCredentialsByEmail,
  findUserForUpdate,
  insertUser,
  listUsers,
  lockAdmins,
  markEmailVerified,
  revokeUserSessions,
  type SessionLookup,
  updateUserPassword,
  updateUserRole,
} from '@app/server-data-access';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { AuthEventRecorder } from '../auth-events/auth-event-recorder';
import { type ClientInfo, NO_CLIENT } from '../auth/auth.service';
import type { Passwords } from '../auth/passwords';
import { LastAdminError, NotFoundError } from '../errors';
import { decodeUsersCursor, encodeUsersCursor } from './users-cursor';

/** Accounts as admins see them: the list, role changes, and the admin named at start-up. */
export class UsersService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly passwords: Passwords,
    private readonly sessions: Pick<SessionLookup, 'changed'>,
    private readonly events: AuthEventRecorder,
  ) {}

  async list(input: { cursor?: string; limit: number }): Promise<UsersPage> {
    const afterEmail = input.cursor === undefined ? undefined : decodeUsersCursor(input.cursor);
    const page = await listUsers(this.db, { afterEmail, limit: input.limit });
    return { items: page.items, nextCursor: page.nextEmail === null ? null : encodeUsersCursor(page.nextEmail) };
  }

  /**
   * Changes a role and revokes that user's sessions in the same transaction, so the new role
   * takes effect at once. The last admin cannot be demoted.
   */
  async setRole(userId: string, role: Role, by: { userId: string; client: ClientInfo } | null = null): Promise<User> {
    const change = await this.db.transaction().execute(async (trx) => {
      const adminIds = await lockAdmins(trx);
      const target = await findUserForUpdate(trx, userId);
      if (!target) throw new NotFoundError('User');
      if (target.role === role) return { user: target, from: null };
      if (target.role === 'admin' && adminIds.length <= 1) throw new LastAdminError();
      const user = await updateUserRole(trx, userId, role);
      if (!user) throw new NotFoundError('User');
      await revokeUserSessions(trx, userId);
      return { user, from: target.role };
    });
    this.sessions.changed({ userId });
    if (change.from !== null) {
      // The event is the target's; the address and user agent are the admin's request's.
      await this.events.record({
        userId,
        type: 'role_changed',
        client: by?.client ?? NO_CLIENT,
        detail: { from: change.from, to: role, byUserId: by?.userId ?? null },
      });
    }
    return change.user;
  }

  /**
   * Creates the admin, or promotes an existing account (setting the given password).
   * Promotion revokes the account's sessions like any role change. The operator vouches for the
   * address, so it counts as verified.
   */
  async ensureAdmin(
    email: string,
    password: string,
  ): Promise<{ user: User; outcome: 'created' | 'promoted' | 'already admin' }> {
    const existing = await findCredentialsByEmail(this.db, email);
    if (!existing) {
      const user = await insertUser(this.db, {
        id: randomUUID(),
        email,
        passwordHash: await this.passwords.hash(password),
        role: 'admin',
        emailVerified: true,
      });
      return { user, outcome: 'created' };
    }
    if (!(await this.passwords.verify(password, existing.passwordHash))) {
      await updateUserPassword(this.db, existing.id, await this.passwords.hash(password));
    }
    await markEmailVerified(this.db, existing.id);
    this.sessions.changed({ userId: existing.id });
    if (existing.role !== 'admin') {
      const user = await this.setRole(existing.id, 'admin');
      return { user, outcome: 'promoted' };
    }
    return { user: { id: existing.id, email: existing.email, role: existing.role, emailVerified: true }, outcome: 'already admin' };
  }
}
