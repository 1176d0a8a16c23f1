import type { Kysely } from 'kysely';
import type { Database } from '../database';
import type { DatabaseHandle } from '../db';
import type { NotificationListener } from '../notification-listener';
import { findSessionPrincipal, type SessionPrincipal } from './sessions.repository';

/** The channel the database's triggers notify when a session or its user changes (see the migration). */
export const SESSION_CHANGES_CHANNEL = 'session_changes';

/** How authenticated requests find what their token's session stands for. */
export interface SessionLookup {
  find(sessionId: string): Promise<SessionPrincipal | undefined>;
  /**
   * Told by this process right after it committed a change to sessions (a revocation, a role or
   * password change), so its own next call sees it at once: the database's notification of the
   * same change arrives a moment later, and a request that follows the answer must not beat it.
   */
  changed(change: SessionChange): void;
}

/** What changed: one session, or every session of a user. */
export type SessionChange = { sessionId: string } | { userId: string };

export interface LiveSessionCacheOptions {
  /** Most sessions kept; the oldest entries go first. */
  maxEntries?: number;
  /** A safety net: an entry is read again after this long even if no notification came. */
  maxAgeMs?: number;
  /** Told when the cache starts or stops serving (listening connection up or lost). */
  onStateChange?: (serving: boolean, error?: unknown) => void;
}

interface Entry {
  principal: SessionPrincipal;
  storedAt: number;
}

/**
 * What each live session stands for (user, role, revoked, expiry), kept in this process so an
 * authenticated call needs no database round trip, and dropped the moment the database says it
 * changed: triggers on `sessions` and `users` send `NOTIFY session_changes` with `s:<session id>`
 * or `u:<user id>` on every change that matters (revocation, expiry, role, email, deletion), from
 * any process or even a manual UPDATE.
 *
 * Safe by construction:
 * - It serves only while the listening connection is up. Lost → cleared and bypassed (every call
 *   reads the database) until listening again, when it starts empty (notifications may have been
 *   missed in between).
 * - A read that raced a notification is not stored: every notification bumps an epoch, and an
 *   entry is stored only if the epoch did not move while its row was being read.
 * - Expiry is checked by the caller on every use; entries are also re-read after `maxAgeMs`.
 */
export class LiveSessionCache implements SessionLookup {
  private readonly entries = new Map<string, Entry>();
  private readonly sessionsByUser = new Map<string, Set<string>>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private serving = false;
  private epoch = 0;
  private readonly listener: Promise<NotificationListener | undefined>;

  constructor(
    private readonly db: Kysely<Database>,
    database: Pick<DatabaseHandle, 'listen'>,
    private readonly options: LiveSessionCacheOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 50_000;
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.listener = database
      .listen(SESSION_CHANGES_CHANNEL, {
        onNotification: (payload) => this.onNotification(payload),
        onListening: () => this.setServing(true),
        onLost: (error) => this.setServing(false, error),
      })
      .catch((error: unknown) => {
        this.setServing(false, error);
        return undefined;
      });
  }

  /** Whether calls are answered from memory right now. */
  get isServing(): boolean {
    return this.serving;
  }

  async find(sessionId: string): Promise<SessionPrincipal | undefined> {
    if (this.serving) {
      const entry = this.entries.get(sessionId);
      if (entry && Date.now() - entry.storedAt < this.maxAgeMs) return entry.principal;
    }
    const epoch = this.epoch;
    const principal = await findSessionPrincipal(this.db, sessionId);
    if (principal && this.serving && epoch === this.epoch) this.store(principal);
    return principal;
  }

  changed(change: SessionChange): void {
    this.epoch += 1;
    if ('sessionId' in change) this.forgetSession(change.sessionId);
    else for (const sessionId of [...(this.sessionsByUser.get(change.userId) ?? [])]) this.forgetSession(sessionId);
  }

  async close(): Promise<void> {
    this.setServing(false);
    await (await this.listener)?.close();
  }

  private store(principal: SessionPrincipal): void {
    if (!this.entries.has(principal.sessionId) && this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.forgetSession(oldest);
    }
    this.entries.set(principal.sessionId, { principal, storedAt: Date.now() });
    let sessions = this.sessionsByUser.get(principal.userId);
    if (!sessions) this.sessionsByUser.set(principal.userId, (sessions = new Set()));
    sessions.add(principal.sessionId);
  }

  /** A `NOTIFY session_changes` payload: `s:<session id>` or `u:<user id>`. */
  private onNotification(payload: string): void {
    const id = payload.slice(2);
    if (payload.startsWith('s:')) this.changed({ sessionId: id });
    else if (payload.startsWith('u:')) this.changed({ userId: id });
    else {
      // Not ours to understand: be safe.
      this.epoch += 1;
      this.clear();
    }
  }

  private forgetSession(sessionId: string): void {
    const entry = this.entries.get(sessionId);
    if (!entry) return;
    this.entries.delete(sessionId);
    const sessions = this.sessionsByUser.get(entry.principal.userId);
    sessions?.delete(sessionId);
    if (sessions?.size === 0) this.sessionsByUser.delete(entry.principal.userId);
  }

  private clear(): void {
    this.entries.clear();
    this.sessionsByUser.clear();
  }

  private setServing(serving: boolean, error?: unknown): void {
    this.epoch += 1;
    this.clear();
    if (this.serving === serving) return;
    this.serving = serving;
    this.options.onStateChange?.(serving, error);
  }
}
