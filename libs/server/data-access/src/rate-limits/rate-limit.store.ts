import { type Kysely, sql } from 'kysely';
import type { Database } from '../database';
import { preparedMarker } from '../prepared-statements';

export interface RateLimitHit {
  /** Hits in the current window, including this one. */
  count: number;
  resetAt: Date;
}

/** Fixed-window counters keyed by strings such as `login-ip:1.2.3.4`. */
export interface RateLimitStore {
  hit(key: string, windowMs: number): Promise<RateLimitHit>;
  reset(key: string): Promise<void>;
  /** Drops expired windows. */
  sweep(): Promise<void>;
}

/**
 * Counters in PostgreSQL: one atomic upsert per hit, timed by the database's clock,
 * so every API process on the same database shares the same limits.
 */
export class PostgresRateLimitStore implements RateLimitStore {
  constructor(private readonly db: Kysely<Database>) {}

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    // A prepared statement: every login, signup and refresh runs it.
    const { rows } = await sql<{ count: number; reset_at: Date }>`${preparedMarker('rate_limit_hit')}
      insert into rate_limits as r (key, count, reset_at)
      values (${key}, 1, now() + ${windowMs} * interval '1 millisecond')
      on conflict (key) do update set
        count = case when r.reset_at <= now() then 1 else r.count + 1 end,
        reset_at = case when r.reset_at <= now() then excluded.reset_at else r.reset_at end
      returning count, reset_at`.execute(this.db);
    const row = rows[0];
    if (!row) throw new Error('rate limit upsert returned no row');
    return { count: row.count, resetAt: new Date(row.reset_at) };
  }

  async reset(key: string): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('key', '=', key).modifyEnd(preparedMarker('rate_limit_reset')).execute();
  }

  async sweep(): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('reset_at', '<=', sql<Date>`now()`).execute();
  }
}

/** Counters in this process's memory: for the embedded database, which has one process anyway. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, RateLimitHit>();

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    const now = Date.now();
    const current = this.windows.get(key);
    const next =
      current && current.resetAt.getTime() > now
        ? { count: current.count + 1, resetAt: current.resetAt }
        : { count: 1, resetAt: new Date(now + windowMs) };
    this.windows.set(key, next);
    return { ...next };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async sweep(): Promise<void> {
    const now = Date.now();
    for (const [key, value] of this.windows) if (value.resetAt.getTime() <= now) this.windows.delete(key);
  }
}
