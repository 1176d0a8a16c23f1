import type { Role, User } from '@app/contracts';
import { CompiledQuery, type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../database';
import { preparedSql } from '../prepared-statements';

/** The only user columns that ever leave the repository: never the hash. */
const userColumns = ['id', 'email', 'role', sql<boolean>`email_verified_at is not null`.as('emailVerified')] as const;

type Db = Kysely<Database>;

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db.selectFrom('users').select(userColumns).where('email', '=', email).executeTakeFirst();
}

/** A user and the hash of their password: what a sign-in checks. */
export type Credentials = User & { passwordHash: string };

/**
 * The query for the credentials of the account with the email in parameter `$parameter`: also
 * carried by a statement that counts the sign-in's rate limits (see sign-in.statements.ts).
 */
export function credentialsByEmail(parameter: number): string {
  return `select id, email, role, email_verified_at is not null as "emailVerified", password_hash as "passwordHash"
   from users where email = $${parameter}`;
}

/** Runs on every login: plain SQL (no query building per call), prepared on PostgreSQL. */
const CREDENTIALS_BY_EMAIL_SQL = preparedSql('user_credentials', credentialsByEmail(1));

/** For login only: the user plus the password hash. */
export async function findCredentialsByEmail(db: Db, email: string): Promise<Credentials | undefined> {
  const { rows } = await db.executeQuery<Credentials>(CompiledQuery.raw(CREDENTIALS_BY_EMAIL_SQL, [email]));
  return rows[0];
}

/** For checking a signed-in user's current password: the user plus the password hash. */
export async function findCredentialsById(db: Db, id: string): Promise<Credentials | undefined> {
  return db
    .selectFrom('users')
    .select([...userColumns, 'password_hash as passwordHash'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** `emailVerified`: the address is vouched for (an admin made by the operator, a demo account). */
export async function insertUser(
  db: Db,
  user: { id: string; email: string; passwordHash: string; role: Role; emailVerified?: boolean },
): Promise<User> {
  return db
    .insertInto('users')
    .values({
      id: user.id,
      email: user.email,
      password_hash: user.passwordHash,
      role: user.role,
      email_verified_at: user.emailVerified ? sql<Date>`now()` : null,
    })
    .returning(userColumns)
    .executeTakeFirstOrThrow();
}

/**
 * Locks every admin row until the transaction ends and returns their ids: two admins demoting
 * each other at once cannot both succeed.
 */
export async function lockAdmins(trx: Transaction<Database>): Promise<string[]> {
  const rows = await trx.selectFrom('users').select('id').where('role', '=', 'admin').forUpdate().execute();
  return rows.map((row) => row.id);
}

/** Reads a user and locks the row until the transaction ends. */
export async function findUserForUpdate(trx: Transaction<Database>, id: string): Promise<User | undefined> {
  return trx.selectFrom('users').select(userColumns).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateUserRole(db: Db, id: string, role: Role): Promise<User | undefined> {
  return db
    .updateTable('users')
    .set({ role, updated_at: new Date() })
    .where('id', '=', id)
    .returning(userColumns)
    .executeTakeFirst();
}

export async function updateUserPassword(db: Db, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash, updated_at: new Date() }).where('id', '=', id).execute();
}

/** Marks the address verified (once: the first verification time is kept). False when it already was, or no such user. */
export async function markEmailVerified(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ email_verified_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('email_verified_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Users ordered by email; the cursor is the last email seen (emails are unique). */
export async function listUsers(
  db: Db,
  page: { afterEmail?: string; limit: number },
): Promise<{ items: User[]; nextEmail: string | null }> {
  let query = db.selectFrom('users').select(userColumns).orderBy('email').limit(page.limit + 1);
  if (page.afterEmail !== undefined) query = query.where('email', '>', page.afterEmail);
  const rows = await query.execute();
  const items = rows.slice(0, page.limit);
  return { items, nextEmail: rows.length > page.limit ? (items.at(-1)?.email ?? null) : null };
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  return db.selectFrom('users').select(userColumns).where('id', '=', id).executeTakeFirst();
}
