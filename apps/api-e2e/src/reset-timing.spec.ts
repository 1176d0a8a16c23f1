import { signUp, startTestServer, type TestServer, testDbKind, trpcMutation, uniqueEmail } from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interleavedTimes, median, percentile } from './support/concurrency';

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

  it(`known and unknown email: the same answer, and medians of ${TRIES} interleaved tries each within 10 %`, async () => {
    const known = () => trpcMutation(server.url, 'auth.requestPasswordReset', { email });
    const unknown = () => trpcMutation(server.url, 'auth.requestPasswordReset', { email: uniqueEmail('nobody') });

    for (let i = 0; i < 10; i++) await Promise.all([known(), unknown()]);
    const answers = new Set<string>();
    const [unknownTimes, knownTimes] = await interleavedTimes(TRIES, [unknown, known], (res) => answers.add(`${res.status} ${res.text}`));
    const times = { known: knownTimes, unknown: unknownTimes };

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
