import type { AuthEventType } from '@app/contracts';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { AuthEventDetailJson, Database } from '../database';
import { preparedSql } from '../prepared-statements';

type Db = Kysely<Database>;

/** An event as it is recorded: whose, what, when, and from where. */
export interface NewAuthEvent {
  userId: string;
  type: AuthEventType;
  at: Date;
  ip: string | null;
  userAgent: string | null;
  detail: AuthEventDetailJson;
}

/** A stored event, as its owner (or an admin) reads it. */
export interface StoredAuthEvent {
  /** Decimal text of the bigint id. */
  id: string;
  type: AuthEventType;
  createdAt: Date;
  ip: string | null;
  userAgent: string | null;
  detail: AuthEventDetailJson;
}

/** A position in one user's list: the last event of a page. Events are ordered newest first by (createdAt, id). */
export interface AuthEventPosition {
  createdAt: Date;
  id: string;
}

/**
 * An event's row for `insert into auth_events …`, its values numbered from `$first` on, so that
 * another statement can carry it (a sign-in's, with its session); `authEventParameters` gives them.
 */
export function authEventRow(first: number): string {
  const values = Array.from({ length: AUTH_EVENT_PARAMETERS }, (_, i) => `$${first + i}`).join(', ');
  return `(user_id, type, created_at, ip, user_agent, detail) values (${values})`;
}

/** How many values `authEventRow` takes. */
export const AUTH_EVENT_PARAMETERS = 6;

export function authEventParameters(event: NewAuthEvent): unknown[] {
  return [event.userId, event.type, event.at, event.ip, event.userAgent, JSON.stringify(event.detail)];
}

/** Every login, refresh reuse, password change… records one: plain SQL, prepared. */
const AUTH_EVENT_INSERT_SQL = preparedSql('auth_event_insert', `insert into auth_events ${authEventRow(1)}`);

export async function insertAuthEvent(db: Db, event: NewAuthEvent): Promise<void> {
  await db.executeQuery(CompiledQuery.raw(AUTH_EVENT_INSERT_SQL, authEventParameters(event)));
}

/** One page of a user's events, newest first, after `after` (exclusive); `next` is set when more may follow. */
export async function listAuthEvents(
  db: Db,
  userId: string,
  page: { after?: AuthEventPosition; limit: number },
): Promise<{ items: StoredAuthEvent[]; next: AuthEventPosition | null }> {
  let query = db
    .selectFrom('auth_events')
    .select([
      sql<string>`id::text`.as('id'),
      'type',
      'created_at as createdAt',
      'ip',
      'user_agent as userAgent',
      'detail',
    ])
    .where('user_id', '=', userId);
  const after = page.after;
  if (after) query = query.where(sql<boolean>`(created_at, id) < (${after.createdAt}::timestamptz, ${after.id}::bigint)`);
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const items = rows.slice(0, page.limit).map((row) => ({ ...row, type: row.type as AuthEventType }));
  const last = items[items.length - 1];
  return { items, next: rows.length > page.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

/**
 * Deletes events recorded before `before`, in batches so that no statement holds locks on a
 * large table for long. Returns how many went.
 */
export async function deleteAuthEventsBefore(db: Db, before: Date, batchSize = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await db
      .deleteFrom('auth_events')
      .where('id', 'in', (eb) => eb.selectFrom('auth_events').select('id').where('created_at', '<', before).limit(batchSize))
      .executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
