import { type Kysely, sql } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and never import app types.

/**
 * Every change to a session or a user that an authenticated call depends on is announced on
 * `NOTIFY session_changes`: `s:<session id>` when a session is revoked, its expiry changes or it
 * is deleted; `u:<user id>` when a user row changes at all (role, email, verification, password)
 * or is deleted. API processes keep live sessions in memory and drop them on these notifications
 * (libs/server/data-access/src/sessions/live-session-cache.ts). Triggers, not application code,
 * so that no writer can forget: another process, a script, or an operator's manual UPDATE.
 * Rotations and last-used touches update other columns and announce nothing.
 * @see https://www.postgresql.org/docs/current/sql-notify.html
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function notify_session_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('session_changes', 's:' || old.id);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger sessions_notify_change after update of revoked_at, expires_at, user_id or delete on sessions
    for each row execute function notify_session_change()`.execute(db);
  await sql`
    create function notify_user_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('session_changes', 'u:' || old.id);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger users_notify_change after update or delete on users
    for each row execute function notify_user_change()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger users_notify_change on users`.execute(db);
  await sql`drop function notify_user_change()`.execute(db);
  await sql`drop trigger sessions_notify_change on sessions`.execute(db);
  await sql`drop function notify_session_change()`.execute(db);
}
