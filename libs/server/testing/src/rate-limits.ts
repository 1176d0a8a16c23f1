import type { RateLimitCount, RateLimitStore } from '@app/server-data-access';
import { randomUUID } from 'node:crypto';

/** Three counters, tight to loose (at most 3, 2 and 10 hits a window), with keys no other test uses. */
export function threeCounters(windowMs = 60_000): RateLimitCount[] {
  const id = randomUUID();
  return [
    { key: `ip:${id}`, windowMs, max: 3 },
    { key: `email-ip:${id}`, windowMs, max: 2 },
    { key: `email:${id}`, windowMs, max: 10 },
  ];
}

/** Each counter's count now, read by hitting it alone (which adds one). */
export async function countsAfterOneMore(store: RateLimitStore, counts: readonly RateLimitCount[]): Promise<number[]> {
  const hits = await Promise.all(counts.map((count) => store.hitInTurn([{ ...count, max: Infinity }])));
  return hits.map(([hit]) => hit?.count ?? NaN);
}
