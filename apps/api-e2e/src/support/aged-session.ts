import { sessionIdOf, signUp, type TestServer } from '@app/server-testing';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';

/** A random 256-bit value in base64url, the shape of a refresh secret or tag. */
export const randomB64 = (): string => randomBytes(32).toString('base64url');

export interface AgedSession {
  sessionId: string;
  /** secrets[g] is the secret of generation g. */
  secrets: string[];
  /** The genuine token of generation g. */
  token: (generation: number) => string;
}

/**
 * A fresh session whose row says it was rotated `generation` times, rotated just now (inside the
 * grace window), with the real chain of secrets, derived exactly as the server derives them.
 */
export async function agedSession(server: TestServer, generation: number): Promise<AgedSession> {
  const tokens = server.services.auth.refreshTokens;
  const account = await signUp(server);
  const sessionId = sessionIdOf(account.refreshToken);
  const secrets = [randomB64()];
  for (let g = 1; g <= generation; g++) secrets.push(tokens.next(secrets[g - 1] as string));
  const at = (g: number) => secrets[g] as string;
  await sql`update sessions set token_hash = ${tokens.hash(at(generation))}, prev_token_hash = ${tokens.hash(at(generation - 1))},
    generation = ${generation}, rotated_at = now() where id = ${sessionId}`.execute(server.services.db);
  return { sessionId, secrets, token: (g) => tokens.format(sessionId, g, at(g)) };
}

/** Whether the session row exists and has not been revoked. */
export async function isSessionLive(server: TestServer, sessionId: string): Promise<boolean> {
  const { rows } = await sql<{ revoked_at: Date | null }>`select revoked_at from sessions where id = ${sessionId}`.execute(server.services.db);
  return rows.length === 1 && rows[0]?.revoked_at === null;
}

/**
 * Refresh tokens that are not `refreshToken` yet look like it, built from it and from another
 * user's genuine `strangerToken`: garbage, forgeries and alterations, each with what it is. A
 * server must refuse every one and change nothing (a refresh, or a sign-out by cookie or body).
 */
export function wrongRefreshTokens(refreshToken: string, strangerToken: string): [string, string][] {
  const [id = '', generation = '', secret = '', tag = ''] = refreshToken.split('.');
  const flip = (text: string) => `${text.slice(0, -1)}${text.endsWith('A') ? 'B' : 'A'}`;
  return [
    ['garbage', 'garbage'],
    ['a random value of the right length', randomB64()],
    ['a forged tag on the real session id', `${id}.${generation}.${randomB64()}.${randomB64()}`],
    ['the old format with a random secret', `${id}.${randomB64()}`],
    ['the real token with its secret altered', `${id}.${generation}.${flip(secret)}.${tag}`],
    ['the real token with its tag altered', `${id}.${generation}.${secret}.${flip(tag)}`],
    ['the real secret and tag on another session id', `${sessionIdOf(strangerToken)}.${generation}.${secret}.${tag}`],
    ['another user’s real token with this session id', `${id}.${strangerToken.split('.').slice(1).join('.')}`],
  ];
}
