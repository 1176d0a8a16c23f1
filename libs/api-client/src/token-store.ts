import { BearerAuthResult } from '@app/contracts';

/**
 * What the client keeps between calls: the answer of `auth.login`/`auth.signup`/`auth.refresh`,
 * plus when it arrived (to tell how long the access token lives, see SessionManager).
 */
export interface StoredSession extends BearerAuthResult {
  /** ISO 8601: when this client received the tokens. */
  obtainedAt: string;
}

/**
 * Where the client keeps its session. Implementations must be safe to call repeatedly; the
 * client serialises its own writes, so `save` and `clear` never overlap within one client.
 * @see MemoryTokenStore
 * @see FileTokenStore (entry `@app/api-client/node`)
 */
export interface TokenStore {
  /** The stored session, or null when there is none (or it cannot be read as one). */
  load(): Promise<StoredSession | null>;
  save(session: StoredSession): Promise<void>;
  clear(): Promise<void>;
}

/**
 * Checks an untrusted value (a file's JSON, say) against the contracts' `BearerAuthResult`.
 * @returns the session, or null when the value is not one.
 */
export function parseStoredSession(value: unknown): StoredSession | null {
  const parsed = BearerAuthResult.safeParse(value);
  if (!parsed.success || parsed.data.accessToken === '' || parsed.data.refreshToken === '') return null;
  const obtainedAt = (value as { obtainedAt?: unknown }).obtainedAt;
  return { ...parsed.data, obtainedAt: typeof obtainedAt === 'string' ? obtainedAt : new Date(0).toISOString() };
}

/**
 * The default store: the session lives as long as the process (or page). Holds copies, so
 * callers cannot change the stored session by mutating what they passed in or got back.
 * @see TokenStore
 */
export class MemoryTokenStore implements TokenStore {
  private session: StoredSession | null;

  constructor(initial: StoredSession | null = null) {
    this.session = initial && structuredClone(initial);
  }

  async load(): Promise<StoredSession | null> {
    return this.session && structuredClone(this.session);
  }

  async save(session: StoredSession): Promise<void> {
    this.session = structuredClone(session);
  }

  async clear(): Promise<void> {
    this.session = null;
  }
}
