import { type Kysely, sql } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and never import app types.

/**
 * What happened to each account (sign-ins, failed sign-ins, sign-outs, password and role
 * changes…), for the owner's "recent activity" and for admins. Rows go with their user, and a
 * periodic job deletes those older than AUTH_EVENT_RETENTION. The type is not constrained here:
 * the contract lists the types, and a new one needs no migration.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('auth_events')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  // One user's events, newest first, paged by (created_at, id): an index range scan at any depth.
  await sql`create index auth_events_user_created_idx on auth_events (user_id, created_at desc, id desc)`.execute(db);
  // The retention job deletes by age across all users.
  await db.schema.createIndex('auth_events_created_at_idx').on('auth_events').column('created_at').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('auth_events').execute();
}
