import { type Kysely, sql } from 'kysely';
import type { AccountTokenPurpose, Database } from '../database';

type Db = Kysely<Database>;

/** A stored link token, for telling why it no longer works (the user's verification with it). */
export interface AccountTokenState {
  userId: string;
  expired: boolean;
  used: boolean;
  replaced: boolean;
  emailVerified: boolean;
}

/** `now() + ttl`, on the database's clock (the one every expiry check reads). */
function fromNow(ttlMs: number) {
  return sql<Date>`now() + make_interval(secs => ${ttlMs / 1000})`;
}

/** The user's unused tokens of this purpose stop working: a newer link replaces older ones. */
export async function replaceAccountTokens(db: Db, userId: string, purpose: AccountTokenPurpose): Promise<void> {
  await db
    .updateTable('account_tokens')
    .set({ replaced_at: sql<Date>`now()` })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('replaced_at', 'is', null)
    .execute();
}

/** As `replaceAccountTokens`, for the account with this email; no row changes when there is none. */
export async function replaceAccountTokensByEmail(db: Db, email: string, purpose: AccountTokenPurpose): Promise<void> {
  await db
    .updateTable('account_tokens')
    .set({ replaced_at: sql<Date>`now()` })
    .where('user_id', 'in', (eb) => eb.selectFrom('users').select('id').where('email', '=', email))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('replaced_at', 'is', null)
    .execute();
}

export async function insertAccountToken(
  db: Db,
  token: { userId: string; tokenHash: string; purpose: AccountTokenPurpose; ttlMs: number },
): Promise<void> {
  await db
    .insertInto('account_tokens')
    .values({ token_hash: token.tokenHash, user_id: token.userId, purpose: token.purpose, expires_at: fromNow(token.ttlMs) })
    .execute();
}

/**
 * Stores a token for the account with this email, in one statement that inserts nothing when
 * there is no such account: the same statement runs either way. True when a token was stored.
 */
export async function insertAccountTokenByEmail(
  db: Db,
  token: { email: string; tokenHash: string; purpose: AccountTokenPurpose; ttlMs: number },
): Promise<boolean> {
  const rows = await db
    .insertInto('account_tokens')
    .columns(['token_hash', 'user_id', 'purpose', 'expires_at'])
    .expression((eb) =>
      eb
        .selectFrom('users')
        .select([sql.val(token.tokenHash).as('token_hash'), 'id', sql.val(token.purpose).as('purpose'), fromNow(token.ttlMs).as('expires_at')])
        .where('email', '=', token.email),
    )
    .returning('user_id')
    .execute();
  return rows.length > 0;
}

/**
 * Uses a token: one conditional UPDATE, so of any number of concurrent uses exactly one gets the
 * user id; the others wait for its row lock and then find it used. Undefined when the token is
 * unknown, used, replaced or expired (`findAccountToken` tells which).
 */
export async function consumeAccountToken(db: Db, tokenHash: string, purpose: AccountTokenPurpose): Promise<string | undefined> {
  const row = await db
    .updateTable('account_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('replaced_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('user_id as userId')
    .executeTakeFirst();
  return row?.userId;
}

/** Whether a token would work now (without using it), else why not. Undefined when unknown. */
export async function findAccountToken(db: Db, tokenHash: string, purpose: AccountTokenPurpose): Promise<AccountTokenState | undefined> {
  return db
    .selectFrom('account_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select([
      't.user_id as userId',
      sql<boolean>`t.expires_at <= now()`.as('expired'),
      sql<boolean>`t.used_at is not null`.as('used'),
      sql<boolean>`t.replaced_at is not null`.as('replaced'),
      sql<boolean>`u.email_verified_at is not null`.as('emailVerified'),
    ])
    .where('t.token_hash', '=', tokenHash)
    .where('t.purpose', '=', purpose)
    .executeTakeFirst();
}

/** Forgets tokens that expired before `before` (used or not). */
export async function deleteExpiredAccountTokens(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('account_tokens').where('expires_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
