import type { AuthEvent, AuthEventsPage } from '@app/contracts';
import { type AuthEventPosition, type Database, deleteAuthEventsBefore, findUserById, listAuthEvents, type StoredAuthEvent } from '@app/server-data-access';
import type { Kysely } from 'kysely';
import { NotFoundError } from '../errors';
import { decodeAuthEventsCursor, encodeAuthEventsCursor } from './auth-events-cursor';

/** Reading the auth event log (the owner's own, or any user's for admins) and its retention. */
export class AuthEventsService {
  constructor(private readonly db: Kysely<Database>) {}

  /** The user's events, newest first. */
  list(userId: string, input: { cursor?: string; limit: number }): Promise<AuthEventsPage> {
    return this.page(userId, decodeCursor(input.cursor), input.limit);
  }

  /** Any user's events (admins); NotFoundError when there is no such user (a bad cursor is refused first, as for anyone). */
  async listForUser(userId: string, input: { cursor?: string; limit: number }): Promise<AuthEventsPage> {
    const after = decodeCursor(input.cursor);
    if (!(await findUserById(this.db, userId))) throw new NotFoundError('User');
    return this.page(userId, after, input.limit);
  }

  private async page(userId: string, after: AuthEventPosition | undefined, limit: number): Promise<AuthEventsPage> {
    const page = await listAuthEvents(this.db, userId, { after, limit });
    return { items: page.items.map(toContract), nextCursor: page.next === null ? null : encodeAuthEventsCursor(page.next) };
  }

  /** Deletes events recorded before `before` (the retention job). */
  deleteOlderThan(before: Date): Promise<number> {
    return deleteAuthEventsBefore(this.db, before);
  }
}

function decodeCursor(cursor: string | undefined): AuthEventPosition | undefined {
  return cursor === undefined ? undefined : decodeAuthEventsCursor(cursor);
}

function toContract(event: StoredAuthEvent): AuthEvent {
  return {
    id: event.id,
    type: event.type,
    createdAt: event.createdAt.toISOString(),
    ip: event.ip,
    userAgent: event.userAgent,
    detail: event.detail,
  };
}
