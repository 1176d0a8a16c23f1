import { type Database, touchSession } from '@app/server-data-access';
import type { Kysely } from 'kysely';

/** How often one process writes a session's "last used" time: at most once a minute per session. */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

/**
 * "Last used" on the sessions list, kept honest without a write per request: each process
 * remembers when it last recorded each session and writes again only after the interval. The
 * write is fire-and-forget: the call it belongs to never waits for it nor fails because of it.
 * The time shown is therefore exact to the interval (per process).
 */
export class SessionActivity {
  /** session id → when this process last wrote it; insertion order doubles as age for eviction. */
  private readonly lastWritten = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs = SESSION_TOUCH_INTERVAL_MS,
    private readonly maxEntries = 50_000,
  ) {}

  /** Called for every authenticated call. */
  used(sessionId: string, now = Date.now()): void {
    const last = this.lastWritten.get(sessionId);
    if (last !== undefined && now - last < this.intervalMs) return;
    this.remember(sessionId, now);
    touchSession(this.db, sessionId, new Date(now)).catch(this.onError);
  }

  private remember(sessionId: string, now: number): void {
    this.lastWritten.delete(sessionId);
    if (this.lastWritten.size >= this.maxEntries) {
      const oldest = this.lastWritten.keys().next().value;
      if (oldest !== undefined) this.lastWritten.delete(oldest);
    }
    this.lastWritten.set(sessionId, now);
  }
}
