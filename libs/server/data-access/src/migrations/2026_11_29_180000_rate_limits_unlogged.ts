import { type Kysely, sql } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and never import app types.

/**
 * Rate-limit counters skip the write-ahead log. Every login and refresh from one address updates
 * the same row, and with a logged table each update holds that row's lock until its commit is
 * flushed to disk, so they queued behind one another (pgbench, 10 clients on one key: ~700
 * updates/s logged, ~18,000 unlogged). The price: after a database crash the counters start
 * again from zero (and a standby does not have them) — a fresh window, never a way around one.
 * @see https://www.postgresql.org/docs/15/sql-createtable.html#SQL-CREATETABLE-UNLOGGED
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table rate_limits set unlogged`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table rate_limits set logged`.execute(db);
}
