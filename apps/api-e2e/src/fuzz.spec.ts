import { startTestServer, type TestServer, testDbKind } from '@app/server-testing';
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abstractCall } from './support/fuzz-calls';
import { FuzzModel } from './support/fuzz-model';

/** Calls per fast-check run; they go out concurrently, so a run is also a small burst of load. */
const BATCH = 20;
const runs = Number(process.env['FUZZ_RUNS'] ?? 500);
const seed = process.env['FUZZ_SEED'] !== undefined ? Number(process.env['FUZZ_SEED']) : Math.floor(Math.random() * 0x7fffffff);

describe(`fuzzing every procedure over HTTP (${testDbKind()})`, () => {
  let server: TestServer;
  let model: FuzzModel;

  beforeAll(async () => {
    server = await startTestServer();
    model = new FuzzModel(server.url, server.services.db);
    await model.setup((email, password) => server.services.users.ensureAdmin(email, password));
  });

  afterAll(async () => {
    await server?.close();
  });

  it(`${runs} runs of ${BATCH} calls: no 5xx; refusals are 4xx with a message and change no row; accepted inputs round-trip`, async () => {
    console.log(`[fuzz] seed ${seed}, ${runs} runs x ${BATCH} calls (replay: FUZZ_SEED=${seed} FUZZ_RUNS=${runs})`);
    const started = performance.now();
    let firstFailure: string | undefined;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(abstractCall, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          try {
            await model.runBatch(batch);
          } catch (error) {
            // Shrinking replays batches on a server whose state has moved on; the first failure is the one to read.
            if (firstFailure === undefined) {
              firstFailure = (error as Error).message;
              console.error(`[fuzz] first failure (run ${model.stats.batches}, seed ${seed}): ${firstFailure}`);
            }
            throw error;
          }
        }),
        // Shrinking replays whole batches; cap it so a failure is reported well before the test times out.
        { seed, numRuns: runs, interruptAfterTimeLimit: 200_000, markInterruptAsFailure: true },
      );
    } catch (error) {
      console.error(`[fuzz] FAILED, seed ${seed}: replay with FUZZ_SEED=${seed} FUZZ_RUNS=${runs}`);
      throw error;
    }
    const seconds = (performance.now() - started) / 1000;
    const { calls, accepted, rejected, verifications, byProcedure } = model.stats;
    console.log(
      `[fuzz] ${server.kind}: ${calls} fuzzed calls (${accepted} accepted, refused by status ${JSON.stringify(rejected)}) ` +
        `+ ${verifications} verification reads in ${seconds.toFixed(1)} s; per procedure ${JSON.stringify(byProcedure)}; seed ${seed}`,
    );
    expect(calls).toBeGreaterThanOrEqual(runs * BATCH);
    // Nothing the fuzzer sent ended the sessions it did not mean to end.
    await model.checkFixedSessions();
  });
});
