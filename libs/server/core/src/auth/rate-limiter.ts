import type { RateLimitStore } from '@app/server-data-access';
import type { RateLimitRule } from '@app/server-config';
import { RateLimitedError } from '../errors';

/** Applies fixed-window rules on a store; throws RateLimitedError (→ 429 + Retry-After) when over. */
export class RateLimiter {
  constructor(private readonly store: RateLimitStore) {}

  async consume(key: string, rule: RateLimitRule): Promise<void> {
    const hit = await this.store.hit(key, rule.windowMs);
    if (hit.count > rule.max) {
      throw new RateLimitedError(Math.max(1, Math.ceil((hit.resetAt.getTime() - Date.now()) / 1000)));
    }
  }

  reset(key: string): Promise<void> {
    return this.store.reset(key);
  }

  sweep(): Promise<void> {
    return this.store.sweep();
  }
}
