import { performance } from 'node:perf_hooks';
import { sleep } from '@app/server-testing';

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Like mapLimit, but lets every call finish before throwing the first error, so no request of a
 * failed batch is still in flight when the next one starts.
 */
export async function settleLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const errors: unknown[] = [];
  await mapLimit(items, limit, (item) => fn(item).catch((error: unknown) => void errors.push(error)));
  if (errors.length > 0) throw errors[0];
}

/** Median of a non-empty list of numbers. */
/**
 * The times of `tries` rounds of two calls, alternating which goes first so neither series always
 * runs on a warmer or busier moment. Each answer goes to `check`; `afterRound` runs between rounds.
 */
export async function interleavedTimes<R>(
  tries: number,
  calls: readonly [() => Promise<R>, () => Promise<R>],
  check: (result: R) => void,
  afterRound?: (round: number) => Promise<void>,
): Promise<[number[], number[]]> {
  const times: [number[], number[]] = [[], []];
  for (let round = 0; round < tries; round++) {
    for (const which of round % 2 === 0 ? [0, 1] : [1, 0]) {
      const started = performance.now();
      const result = await (calls[which] as () => Promise<R>)();
      times[which]?.push(performance.now() - started);
      check(result);
    }
    await afterRound?.(round);
  }
  return times;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await sleep(intervalMs);
  }
}
