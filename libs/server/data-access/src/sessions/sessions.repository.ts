import type { Role } from '@app/contracts';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Database, NewSessionRow, SessionRow } from '../database';
import { preparedMarker, preparedSql } from '../prepared-statements';

type Db = Kysely<Database>;

export async function insertSession(db: Db, session: NewSessionRow): Promise<void> {
  await db.insertInto('sessions').values(session).modifyEnd(preparedMarker('session_insert')).execute();
}

/**
 * Reads a session with its user's email and role, and locks the session's row (not the user's)
 * until the transaction ends: rotation is serialised per session.
 */
export async function findSessionForUpdate(
  trx: Transaction<Database>,
  id: string,
): Promise<(SessionRow & { email: string; role: Role }) | undefined> {
  return trx
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('sessions')
    .select(['users.email', 'users.role'])
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

export async function markSessionRevoked(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/** Revokes one session; returns false when there was no live session of that user with that id. */
export async function revokeSession(db: Db, id: string, userId?: string): Promise<boolean> {
  let query = db.updateTable('sessions').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
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

export async function listLiveSessions(db: Db, userId: string, now: Date): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
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
  revokedAt: Date | null;
  expiresAt: Date;
}

/**
 * Runs on every authenticated request, so it is plain SQL (no query building per call) and a
 * prepared statement (no parsing or planning per call on PostgreSQL).
 */
const SESSION_PRINCIPAL_SQL = preparedSql(
  'session_principal',
  `select s.id as "sessionId", u.id as "userId", u.email, u.role, s.revoked_at as "revokedAt", s.expires_at as "expiresAt"
   from sessions s inner join users u on u.id = s.user_id
   where s.id = $1`,
);

/** What an access token's `sid` stands for right now: the session's state and its user. */
export async function findSessionPrincipal(db: Db, sessionId: string): Promise<SessionPrincipal | undefined> {
  const { rows } = await db.executeQuery(CompiledQuery.raw(SESSION_PRINCIPAL_SQL, [sessionId]));
  return rows[0] as SessionPrincipal | undefined;
}

/** Deletes sessions that expired or were revoked more than `olderThan` ago. */
export async function deleteDeadSessions(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
