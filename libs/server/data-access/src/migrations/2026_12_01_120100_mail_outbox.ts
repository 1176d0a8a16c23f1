import { type Kysely, sql } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and never import app types.

/**
 * Mails waiting to be sent, written in the same transaction as the change that causes them, so a
 * mail exists exactly when its change committed, and no request waits on SMTP. A worker claims
 * due rows (`available_at <= now()`, FOR UPDATE SKIP LOCKED) and pushes `available_at` a lease
 * ahead; a failure pushes it by a growing back-off; a success sets `sent_at` and clears the body
 * (it holds the link, whose token must not outlive its use). `claim_id` says which claim may
 * finish the row, so a worker whose lease ran out cannot overwrite a newer claim.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mail_outbox')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text')
    .addColumn('html_body', 'text')
    .addColumn('link', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('available_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claim_id', 'uuid')
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await sql`create index mail_outbox_due_idx on mail_outbox (available_at) where sent_at is null`.execute(db);
  await sql`create index mail_outbox_sent_at_idx on mail_outbox (sent_at) where sent_at is not null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mail_outbox').execute();
}
