import type { Role } from '@app/contracts';
import { CompiledQuery, type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../database';
import { preparedMarker, preparedSql } from '../prepared-statements';

type Db = Kysely<Database>;

/** A session as it is created at sign-in. */
export interface NewSession {
  id: string;
  userId: string;
  /** SHA-256 (hex) of the first refresh token's secret. */
  tokenHash: string;
  createdAt: Date;
  /** Absolute expiry, fixed here; rotation never extends it. */
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/** A session's rotation state, read under its row lock, with its user's email and role. */
export interface SessionForRotation {
  id: string;
  userId: string;
  email: string;
  role: Role;
  emailVerified: boolean;
  tokenHash: string;
  prevTokenHash: string | null;
  rotatedAt: Date | null;
  generation: number;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** A live session as its owner sees it in the sessions list. */
export interface SessionSummary {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/**
 * A new session's row for `insert into …`, values $1–$7 as `sessionParameters` gives them (also
 * carried by a sign-in's statement, see sign-in.statements.ts): a new session was last used when
 * it was created.
 */
export const SESSION_ROW = `sessions (id, user_id, token_hash, created_at, last_used_at, expires_at, user_agent, ip)
   values ($1, $2, $3, $4, $4, $5, $6, $7)`;

/** How many values `SESSION_ROW` takes. */
export const SESSION_ROW_PARAMETERS = 7;

export function sessionParameters(session: NewSession): unknown[] {
  return [session.id, session.userId, session.tokenHash, session.createdAt, session.expiresAt, session.userAgent, session.ip];
}

/** Signups, password changes, and a sign-in whose event could not be written with it: plain SQL, prepared. */
const SESSION_INSERT_SQL = preparedSql('session_insert', `insert into ${SESSION_ROW}`);

export async function insertSession(db: Db, session: NewSession): Promise<void> {
  await db.executeQuery(CompiledQuery.raw(SESSION_INSERT_SQL, sessionParameters(session)));
}

/**
 * Reads a session with its user's email and role, and locks the session's row (not the user's)
 * until the transaction ends: rotation is serialised per session.
 */
export async function findSessionForUpdate(trx: Transaction<Database>, id: string): Promise<SessionForRotation | undefined> {
  return trx
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.user_id as userId',
      'users.email',
      'users.role',
      sql<boolean>`users.email_verified_at is not null`.as('emailVerified'),
      'sessions.token_hash as tokenHash',
      'sessions.prev_token_hash as prevTokenHash',
      'sessions.rotated_at as rotatedAt',
      'sessions.generation',
      'sessions.expires_at as expiresAt',
      'sessions.revoked_at as revokedAt',
    ])
    .where('sessions.id', '=', id)
    .forUpdate('sessions')
    .modifyEnd(preparedMarker('session_for_update'))
    .executeTakeFirst();
}

export async function saveRotation(
  trx: Transaction<Database>,
  id: string,
  rotation: { tokenHash: string; prevTokenHash: string; generation: number; rotatedAt: Date; ip: string | null; userAgent: string | null },
): Promise<void> {
  await trx
    .updateTable('sessions')
    .set({
      token_hash: rotation.tokenHash,
      prev_token_hash: rotation.prevTokenHash,
      rotated_at: rotation.rotatedAt,
      generation: rotation.generation,
      last_used_at: rotation.rotatedAt,
      ip: rotation.ip,
      user_agent: rotation.userAgent,
    })
    .where('id', '=', id)
    .modifyEnd(preparedMarker('session_rotation'))
    .execute();
}

/** Revokes one session (if still live); with `userId`, only when it is that user's. False when nothing was revoked. */
export async function revokeSession(db: Db, id: string, options: { userId?: string; at?: Date } = {}): Promise<boolean> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: options.at ?? new Date() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null);
  if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function revokeUserSessions(db: Db, userId: string): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Records that a live session was used at `at` (never moves it back). Announces nothing: no cached session depends on it. */
export async function touchSession(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_used_at: at })
    .where('id', '=', id)
    .where('last_used_at', '<', at)
    .where('revoked_at', 'is', null)
    .modifyEnd(preparedMarker('session_touch'))
    .execute();
}

export async function listLiveSessions(db: Db, userId: string, now: Date): Promise<SessionSummary[]> {
  return db
    .selectFrom('sessions')
    .select([
      'id',
      'created_at as createdAt',
      'last_used_at as lastUsedAt',
      'expires_at as expiresAt',
      'user_agent as userAgent',
      'ip',
    ])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('last_used_at', 'desc')
    .execute();
}

export interface SessionPrincipal {
  sessionId: string;
  userId: string;
  email: string;
  role: Role;
  emailVerified: boolean;
  revokedAt: Date | null;
  expiresAt: Date;
}

/**
 * Runs on every authenticated request, so it is plain SQL (no query building per call) and a
 * prepared statement (no parsing or planning per call on PostgreSQL).
 */
const SESSION_PRINCIPAL_SQL = preparedSql(
  'session_principal',
  `select s.id as "sessionId", u.id as "userId", u.email, u.role, u.email_verified_at is not null as "emailVerified",
          s.revoked_at as "revokedAt", s.expires_at as "expiresAt"
   from sessions s inner join users u on u.id = s.user_id
   where s.id = $1`,
);

/** What an access token's `sid` stands for right now: the session's state and its user. */
export async function findSessionPrincipal(db: Db, sessionId: string): Promise<SessionPrincipal | undefined> {
  const { rows } = await db.executeQuery(CompiledQuery.raw(SESSION_PRINCIPAL_SQL, [sessionId]));
  return rows[0] as SessionPrincipal | undefined;
}

/**
 * The common refresh in one statement: rotates the session only if `currentHash` is its current
 * token at `generation` and it is live, and answers what the new tokens need. The row lock the
 * UPDATE takes makes it safe under concurrency: of two refreshes with one token, one rotates,
 * the other matches nothing (PostgreSQL re-checks the condition on the locked row) and takes
 * the locked path, where the grace window applies. Undefined when nothing was rotated.
 */
const ROTATE_IF_CURRENT_SQL = preparedSql(
  'session_rotate_if_current',
  `update sessions s
   set token_hash = $4, prev_token_hash = $3, rotated_at = $5, generation = s.generation + 1,
       last_used_at = $5, ip = $6, user_agent = $7
   from users u
   where s.id = $1 and s.generation = $2 and s.token_hash = $3 and u.id = s.user_id
     and s.revoked_at is null and s.expires_at > $5
   returning s.user_id as "userId", u.email, u.role, u.email_verified_at is not null as "emailVerified",
             s.expires_at as "expiresAt"`,
);

export interface RotatedSession {
  userId: string;
  email: string;
  role: Role;
  emailVerified: boolean;
  expiresAt: Date;
}

export async function rotateIfCurrent(
  db: Db,
  id: string,
  rotation: { generation: number; currentHash: string; nextHash: string; rotatedAt: Date; ip: string | null; userAgent: string | null },
): Promise<RotatedSession | undefined> {
  const { rows } = await db.executeQuery(
    CompiledQuery.raw(ROTATE_IF_CURRENT_SQL, [id, rotation.generation, rotation.currentHash, rotation.nextHash, rotation.rotatedAt, rotation.ip, rotation.userAgent]),
  );
  return rows[0] as RotatedSession | undefined;
}

/** Deletes sessions that expired or were revoked before `before`. */
export async function deleteEndedSessions(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
