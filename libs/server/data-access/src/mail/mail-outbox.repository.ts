import { type Kysely, sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Database } from '../database';

type Db = Kysely<Database>;

/** A mail as the outbox keeps it until it is sent. `link` is the one link it carries, if any. */
export interface OutgoingMail {
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  link: string | null;
}

/** A mail claimed for sending; `attempts` counts this one. */
export interface ClaimedMail extends OutgoingMail {
  id: string;
  attempts: number;
}

function rowOf(mail: OutgoingMail) {
  return {
    id: randomUUID(),
    kind: mail.kind,
    recipient: mail.to,
    subject: mail.subject,
    text_body: mail.text,
    html_body: mail.html,
    link: mail.link,
  };
}

/** Queues a mail (inside the caller's transaction, so it exists exactly when the change that causes it does). */
export async function enqueueMail(db: Db, mail: OutgoingMail): Promise<void> {
  await db.insertInto('mail_outbox').values(rowOf(mail)).execute();
}

/**
 * Queues a mail to `mail.to` only if an account has that email, in one statement that runs the
 * same way whether or not it does. True when queued.
 */
export async function enqueueMailIfAccountExists(db: Db, mail: OutgoingMail): Promise<boolean> {
  const row = rowOf(mail);
  const rows = await db
    .insertInto('mail_outbox')
    .columns(['id', 'kind', 'recipient', 'subject', 'text_body', 'html_body', 'link'])
    .expression((eb) =>
      eb
        .selectFrom('users')
        .select([
          sql.val(row.id).as('id'),
          sql.val(row.kind).as('kind'),
          'email',
          sql.val(row.subject).as('subject'),
          sql.val(row.text_body).as('text_body'),
          sql.val(row.html_body).as('html_body'),
          sql.val(row.link).as('link'),
        ])
        .where('email', '=', mail.to),
    )
    .returning('id')
    .execute();
  return rows.length > 0;
}

/**
 * Claims up to `limit` due mails for `leaseMs`: rows another transaction is claiming are skipped
 * (FOR UPDATE SKIP LOCKED), and a claimed row is not due again until its lease ends, so two
 * workers (in one process or two) never hold the same mail. A worker that dies mid-send leaves
 * the row to be claimed again once the lease is over.
 * @see https://www.postgresql.org/docs/current/sql-select.html#SQL-FOR-UPDATE-SHARE
 */
export async function claimDueMails(db: Db, claim: { claimId: string; limit: number; leaseMs: number }): Promise<ClaimedMail[]> {
  const { rows } = await sql<ClaimedMail>`
    with due as (
      select id from mail_outbox
      where sent_at is null and available_at <= now()
      order by available_at
      limit ${claim.limit}
      for update skip locked
    )
    update mail_outbox m
    set claim_id = ${claim.claimId}, available_at = now() + make_interval(secs => ${claim.leaseMs / 1000}), attempts = m.attempts + 1
    from due where m.id = due.id
    returning m.id, m.kind, m.recipient as "to", m.subject, m.text_body as text, m.html_body as html, m.link, m.attempts`.execute(db);
  return rows;
}

/** Sent: the body and link are cleared (the link's token must not outlive its use). False when the claim was lost. */
export async function markMailSent(db: Db, id: string, claimId: string): Promise<boolean> {
  const result = await db
    .updateTable('mail_outbox')
    .set({ sent_at: sql<Date>`now()`, text_body: null, html_body: null, link: null, claim_id: null, last_error: null })
    .where('id', '=', id)
    .where('claim_id', '=', claimId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Failed: due again after `retryInMs`, with the reason kept for the operator. */
export async function markMailFailed(db: Db, id: string, claimId: string, failure: { retryInMs: number; error: string }): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({
      available_at: sql<Date>`now() + make_interval(secs => ${failure.retryInMs / 1000})`,
      claim_id: null,
      last_error: failure.error.slice(0, 500),
    })
    .where('id', '=', id)
    .where('claim_id', '=', claimId)
    .execute();
}

/** Gives back claimed mails that were not tried (the worker is stopping): due at once, the attempt not counted. */
export async function releaseMails(db: Db, ids: readonly string[], claimId: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('mail_outbox')
    .set((eb) => ({ available_at: sql<Date>`now()`, claim_id: null, attempts: eb('attempts', '-', 1) }))
    .where('id', 'in', ids)
    .where('claim_id', '=', claimId)
    .execute();
}

/** Mails not sent yet (queued, claimed or waiting for a retry). */
export async function countUnsentMails(db: Db): Promise<number> {
  const row = await db
    .selectFrom('mail_outbox')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('sent_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Milliseconds until the next unsent mail is due (0 when one is due now); undefined when none waits. */
export async function msUntilNextMailDue(db: Db): Promise<number | undefined> {
  // Not `greatest(0, …)` in SQL: greatest ignores a NULL, so an empty outbox would read as "due
  // now" and the worker would poll every few milliseconds forever.
  const row = await db
    .selectFrom('mail_outbox')
    .select(sql<number | null>`extract(epoch from min(available_at) - now()) * 1000`.as('ms'))
    .where('sent_at', 'is', null)
    .executeTakeFirstOrThrow();
  return row.ms === null ? undefined : Math.max(0, Math.ceil(Number(row.ms)));
}

/** Forgets mails sent before `before` (their bodies are gone already; the rows are the record of delivery). */
export async function deleteSentMails(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('mail_outbox').where('sent_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
