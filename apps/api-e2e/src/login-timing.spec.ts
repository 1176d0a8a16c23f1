import { AppErrorCode, ErrorMessages } from '@app/contracts';
import { startTestServer, strongPassword, type TestServer, testDbKind, trpcMutation, uniqueEmail } from '@app/server-testing';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interleavedTimes, median, percentile } from './support/concurrency';

/**
 * Login must not tell an attacker whether an account exists: an unknown email costs the same
 * bcrypt work as a wrong password, and both get the same answer. The check is a generous ratio of
 * medians (the machine is shared and noisy), not a speed target: without the dummy comparison the
 * unknown-email path would skip bcrypt entirely and take a small fraction of the time.
 */
describe(`login timing (${testDbKind()}, bcrypt cost 10)`, () => {
  const TRIES = 60;
  let server: TestServer;
  let email: string;

  beforeAll(async () => {
    server = await startTestServer({ config: { bcryptCost: 10 } });
    email = uniqueEmail('timing');
    const res = await trpcMutation(server.url, 'auth.signup', { email, password: strongPassword() });
    expect(res.status).toBe(200);
  });

  afterAll(async () => {
    await server?.close();
  });

  it(`unknown email and wrong password: the same answer and the same time within noise (medians of ${TRIES} interleaved tries each)`, async () => {
    const unknown = () => trpcMutation(server.url, 'auth.login', { email: uniqueEmail('nobody'), password: strongPassword() });
    const wrong = () => trpcMutation(server.url, 'auth.login', { email, password: strongPassword() });
    // Refused by the input contract before any bcrypt work: the floor a missing dummy comparison would fall to.
    const noBcrypt = () => trpcMutation(server.url, 'auth.login', { email, password: 'x'.repeat(73) });

    for (let i = 0; i < 5; i++) await Promise.all([unknown(), wrong(), noBcrypt()]);
    const answers = new Set<string>();
    const noBcryptTimes: number[] = [];
    const [unknownTimes, wrongTimes] = await interleavedTimes(
      TRIES,
      [unknown, wrong],
      (res) => {
        expect(res.status).toBe(401);
        answers.add(`${res.error?.message}|${res.error?.data.appCode}`);
      },
      async (round) => {
        if (round % 4 !== 0) return;
        const started = performance.now();
        await noBcrypt();
        noBcryptTimes.push(performance.now() - started);
      },
    );
    const times = { unknown: unknownTimes, wrong: wrongTimes, noBcrypt: noBcryptTimes };

    const unknownMedian = median(times.unknown);
    const wrongMedian = median(times.wrong);
    const ratio = unknownMedian / wrongMedian;
    console.log(
      `[timing] ${server.kind}: login with an unknown email median ${unknownMedian.toFixed(1)} ms (p90 ${percentile(times.unknown, 90).toFixed(1)}), ` +
        `wrong password median ${wrongMedian.toFixed(1)} ms (p90 ${percentile(times.wrong, 90).toFixed(1)}), ratio ${ratio.toFixed(2)}; ` +
        `a login refused before bcrypt: median ${median(times.noBcrypt).toFixed(1)} ms`,
    );

    expect([...answers]).toEqual([`${ErrorMessages.invalidCredentials}|${AppErrorCode.InvalidCredentials}`]);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});
