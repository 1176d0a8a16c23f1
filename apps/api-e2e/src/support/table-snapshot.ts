import type { Database } from '@app/server-data-access';
import { type Kysely, sql } from 'kysely';

/**
 * A digest of every row of the tables that hold accounts, sessions and people: the row count
 * and the sum of a hash of each whole row (`row::text`, so every column counts, timestamps
 * included). Equal digests before and after a call mean it changed no row.
 *
 * Left out on purpose: `rate_limits` (counting attempts, including refused ones, is what it is
 * for), a session's `last_used_at` (a refused call of a signed-in session still used it), and
 * `mail_outbox` (the sender marks earlier mails sent at any moment). `account_tokens` is in: a
 * refused reset or verification must not use up, replace or add a link.
 */
export interface TableDigest {
  users: string;
  sessions: string;
  people: string;
  account_tokens: string;
}

export async function digestTables(db: Kysely<Database>): Promise<TableDigest> {
  const { rows } = await sql<TableDigest>`
    select
      (select count(*) || ':' || coalesce(sum(hashtext(t::text)::bigint), 0) from users t) as users,
      (select count(*) || ':' || coalesce(sum(hashtext((to_jsonb(t) - 'last_used_at')::text)::bigint), 0) from sessions t) as sessions,
      (select count(*) || ':' || coalesce(sum(hashtext(t::text)::bigint), 0) from people t) as people,
      (select count(*) || ':' || coalesce(sum(hashtext(t::text)::bigint), 0) from account_tokens t) as account_tokens`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('digest query returned no row');
  return row;
}

/** Names of the tables whose digest differs. */
export function changedTables(before: TableDigest, after: TableDigest): string[] {
  return (Object.keys(before) as (keyof TableDigest)[]).filter((table) => before[table] !== after[table]);
}
