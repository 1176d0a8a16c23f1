import { type CallResult, signUp, startTestServer, type TestServer, testDbKind, trpcMutation, uniqueEmail } from '@app/server-testing';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { median, percentile } from './support/concurrency';

/**
 * "Forgot password" must not tell an attacker whether an account exists: the answer is the same,
 * and so is the work (the same statements run for a known and an unknown email; they insert
 * nothing for an unknown one), and an answer never comes sooner than RESET_REQUEST_MIN_MS after the
 * request began, so the rows a known email writes cannot be timed. The medians of interleaved
 * tries stay within 10 % of each other.
 */
describe(`password reset request timing (${testDbKind()})`, () => {
  const TRIES = 80;
  let server: TestServer;
  let email: string;

  beforeAll(async () => {
    server = await startTestServer();
    email = (await signUp(server)).email;
  });

  afterAll(async () => {
    await server?.close();
  });

  async function timed(pending: () => Promise<CallResult>): Promise<{ ms: number; res: CallResult }> {
    const started = performance.now();
    const res = await pending();
    return { ms: performance.now() - started, res };
  }

  it(`known and unknown email: the same answer, and medians of ${TRIES} interleaved tries each within 10 %`, async () => {
    const known = () => trpcMutation(server.url, 'auth.requestPasswordReset', { email });
    const unknown = () => trpcMutation(server.url, 'auth.requestPasswordReset', { email: uniqueEmail('nobody') });

    for (let i = 0; i < 10; i++) await Promise.all([known(), unknown()]);
    const times = { known: [] as number[], unknown: [] as number[] };
    const answers = new Set<string>();
    for (let i = 0; i < TRIES; i++) {
      // Alternate which goes first, so neither series always runs on a warmer or busier moment.
      const order = i % 2 === 0 ? (['unknown', 'known'] as const) : (['known', 'unknown'] as const);
      for (const kind of order) {
        const { ms, res } = await timed(kind === 'unknown' ? unknown : known);
        answers.add(`${res.status} ${res.text}`);
        times[kind].push(ms);
      }
    }

    const knownMedian = median(times.known);
    const unknownMedian = median(times.unknown);
    const ratio = unknownMedian / knownMedian;
    console.log(
      `[timing] ${server.kind}: requestPasswordReset known email median ${knownMedian.toFixed(2)} ms (p90 ${percentile(times.known, 90).toFixed(2)}), ` +
        `unknown email median ${unknownMedian.toFixed(2)} ms (p90 ${percentile(times.unknown, 90).toFixed(2)}), ratio ${ratio.toFixed(3)}`,
    );
    expect([...answers]).toEqual(['200 {"result":{"data":{"ok":true}}}']);
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.1);
  });
});
