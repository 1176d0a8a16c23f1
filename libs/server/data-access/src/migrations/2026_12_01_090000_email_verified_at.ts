import type { Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and never import app types.

/**
 * When the owner of an account first proved its address (by opening a verification or password
 * reset link). Accounts that exist before this migration start unverified: nobody has proved
 * their address yet.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('email_verified_at', 'timestamptz').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('email_verified_at').execute();
}
