import type { RateLimitCount, RateLimitHit, RateLimitStore } from '@app/server-data-access';
import type { RateLimitRule } from '@app/server-config';
import { RateLimitedError } from '../errors';

/** A rule applied to one counter, such as `loginPerIp` to `login-ip:1.2.3.4`. */
export interface RateLimit {
  key: string;
  rule: RateLimitRule;
}

/** Applies fixed-window rules on a store; throws RateLimitedError (→ 429 + Retry-After) when over. */
export class RateLimiter {
  constructor(private readonly store: RateLimitStore) {}

  consume(key: string, rule: RateLimitRule): Promise<void> {
    return this.consumeInTurn([{ key, rule }]);
  }

  /**
   * Counts a hit against each limit in turn, in one call to the store, and stops at the first
   * one over: the same counts as consuming them one by one, with a round trip instead of several.
   */
  async consumeInTurn(limits: readonly RateLimit[]): Promise<void> {
    this.refuseOver(limits, await this.store.hitInTurn(countsOf(limits)));
  }

  /**
   * Whether the counters are rows of the application's database: a caller can then count them
   * (`countsOf`, then `refuseOver`) or clear them in a statement of its own.
   */
  get inDatabase(): boolean {
    return this.store.inDatabase;
  }

  /** Throws RateLimitedError when one of `hits` (counted for `limits`, in turn) went over its limit. */
  refuseOver(limits: readonly RateLimit[], hits: readonly RateLimitHit[]): void {
    const over = hits.find((hit, turn) => hit.count > (limits[turn]?.rule.max ?? Infinity));
    if (over) throw new RateLimitedError(Math.max(1, Math.ceil((over.resetAt.getTime() - Date.now()) / 1000)));
  }

  reset(...keys: string[]): Promise<void> {
    return this.store.reset(keys);
  }

  sweep(): Promise<void> {
    return this.store.sweep();
  }
}

/** The counters to count for `limits`, in turn. */
export function countsOf(limits: readonly RateLimit[]): RateLimitCount[] {
  return limits.map(({ key, rule }) => ({ key, windowMs: rule.windowMs, max: rule.max }));
}
