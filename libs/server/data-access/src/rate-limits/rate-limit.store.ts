import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Database } from '../database';
import { preparedSql } from '../prepared-statements';

export interface RateLimitHit {
  /** Hits in the current window, including this one. */
  count: number;
  resetAt: Date;
}

/** One counter to count a hit on: its key, its window, and how many hits the window allows. */
export interface RateLimitCount {
  key: string;
  windowMs: number;
  max: number;
}

/** Fixed-window counters keyed by strings such as `login-ip:1.2.3.4`. */
export interface RateLimitStore {
  /**
   * Counts a hit on each counter in turn, stopping after the first that goes over its `max`:
   * a client refused by one limit adds nothing to the ones after it (a guesser blocked by
   * address cannot go on filling the looser per-email counter). Answers the hits counted, in
   * order; the last may be the one over.
   */
  hitInTurn(counts: readonly RateLimitCount[]): Promise<RateLimitHit[]>;
  reset(keys: readonly string[]): Promise<void>;
  /** Drops expired windows. */
  sweep(): Promise<void>;
  /**
   * Whether the counters are rows of the application's own database: a caller's statement can
   * then count or clear them along with its own work (see sign-in.statements.ts), in one round
   * trip instead of two.
   */
  readonly inDatabase: boolean;
}

/**
 * Counters in PostgreSQL, timed by the database's clock, so every API process on the same
 * database shares the same limits. One statement for all the counters of a call: each is an
 * atomic upsert in a data-modifying CTE that runs only when the one before is within its limit,
 * so a login's three limits cost one round trip, not three.
 */
export class PostgresRateLimitStore implements RateLimitStore {
  readonly inDatabase = true;

  constructor(private readonly db: Kysely<Database>) {}

  async hitInTurn(counts: readonly RateLimitCount[]): Promise<RateLimitHit[]> {
    if (counts.length === 0) return [];
    const { rows } = await this.db.executeQuery<HitRow>(CompiledQuery.raw(hitInTurnSql(counts.length), hitParameters(counts)));
    return hitsOf(rows);
  }

  async reset(keys: readonly string[]): Promise<void> {
    await this.db.executeQuery(CompiledQuery.raw(RESET_SQL, [keys]));
  }

  async sweep(): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('reset_at', '<=', sql<Date>`now()`).execute();
  }
}

/** Every successful login runs it (or a statement that carries it, see sign-in.statements.ts): plain SQL, prepared. */
const RESET_SQL = preparedSql('rate_limit_reset', `delete from rate_limits where ${resetCondition(1)}`);

/** The rows a reset deletes: those of the keys in parameter `$parameter` (a text array). */
export function resetCondition(parameter: number): string {
  return `key = any($${parameter}::text[])`;
}

/** One counter's hit as the statement answers it: its place in the list, its count and window end. */
export interface HitRow {
  turn: number;
  count: number;
  reset_at: Date;
}

/** The hits in the order of the counters. */
export function hitsOf(rows: readonly HitRow[]): RateLimitHit[] {
  return [...rows].sort((a, b) => a.turn - b.turn).map((row) => ({ count: row.count, resetAt: new Date(row.reset_at) }));
}

/** Parameters of `hitsCte`, counter by counter: its key and window, and from the second on the limit of the one before. */
export function hitParameters(counts: readonly RateLimitCount[]): unknown[] {
  return counts.flatMap((count, turn) => (turn === 0 ? [count.key, count.windowMs] : [count.key, count.windowMs, counts[turn - 1]?.max]));
}

/** How many parameters `hitsCte(n)` takes: two for the first counter, three for each after it. */
export function hitParameterCount(n: number): number {
  return 3 * n - 1;
}

/**
 * The common table expressions that count `n` counters, parameters `$1`… as `hitParameters`
 * gives them, ending in `hits`: one `HitRow` per counter counted. `hitK` counts counter K: the
 * first always, a later one only when `hitK-1` came out within its limit (no row from it, no
 * row to insert).
 */
export function hitsCte(n: number): string {
  let parameter = 0;
  const next = () => `$${++parameter}`;
  const upserts = Array.from({ length: n }, (_, turn) => {
    const [key, windowMs] = [next(), next()];
    const row =
      turn === 0
        ? `values (${key}::text, 1, now() + ${windowMs}::float8 * interval '1 millisecond')`
        : `select ${key}::text, 1, now() + ${windowMs}::float8 * interval '1 millisecond' from hit${turn - 1} where count <= ${next()}::float8`;
    return `hit${turn} as (
        insert into rate_limits as r (key, count, reset_at) ${row}
        on conflict (key) do update set
          count = case when r.reset_at <= now() then 1 else r.count + 1 end,
          reset_at = case when r.reset_at <= now() then excluded.reset_at else r.reset_at end
        returning count, reset_at)`;
  });
  const results = Array.from({ length: n }, (_, turn) => `select ${turn} as turn, count, reset_at from hit${turn}`);
  return `${upserts.join(',\n')},\nhits as (${results.join('\nunion all ')})`;
}

/** The statement for `n` counters, written once per `n` and prepared: every login, signup and refresh runs one. */
const hitInTurnStatements = new Map<number, string>();
function hitInTurnSql(n: number): string {
  let text = hitInTurnStatements.get(n);
  if (text === undefined) {
    text = preparedSql('rate_limit_hits', `with ${hitsCte(n)}\nselect turn, count, reset_at from hits`);
    hitInTurnStatements.set(n, text);
  }
  return text;
}

/** Counters in this process's memory: for the embedded database, which has one process anyway. */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly inDatabase = false;
  private readonly windows = new Map<string, RateLimitHit>();

  async hitInTurn(counts: readonly RateLimitCount[]): Promise<RateLimitHit[]> {
    const hits: RateLimitHit[] = [];
    for (const { key, windowMs, max } of counts) {
      const hit = this.hit(key, windowMs);
      hits.push(hit);
      if (hit.count > max) break;
    }
    return hits;
  }

  private hit(key: string, windowMs: number): RateLimitHit {
    const now = Date.now();
    const current = this.windows.get(key);
    const next =
      current && current.resetAt.getTime() > now
        ? { count: current.count + 1, resetAt: current.resetAt }
        : { count: 1, resetAt: new Date(now + windowMs) };
    this.windows.set(key, next);
    return { ...next };
  }

  async reset(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.windows.delete(key);
  }

  async sweep(): Promise<void> {
    const now = Date.now();
    for (const [key, value] of this.windows) if (value.resetAt.getTime() <= now) this.windows.delete(key);
  }
}
