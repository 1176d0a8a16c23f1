import bcrypt from 'bcrypt';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BENCH_PASSWORD as PASSWORD } from './bench-users';

export interface BcryptCeiling {
  cost: number;
  cores: number;
  /** Median time of one bcrypt comparison on one core, in ms. */
  hashMs: number;
  /** cores × 1 / one hash's time: the most logins per second this machine can verify. */
  perSecond: number;
}

function ceiling(cost: number, times: number[]): BcryptCeiling {
  const sorted = [...times].sort((a, b) => a - b);
  const hashMs = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  const cores = availableParallelism();
  return { cost, cores, hashMs, perSecond: (cores * 1000) / hashMs };
}

/**
 * Times single bcrypt comparisons (what a login costs) at `cost`, one at a time on this
 * process's thread, and derives the machine's ceiling for logins per second.
 */
export function measureBcryptCeiling(cost: number, runs = 15): BcryptCeiling {
  const hash = bcrypt.hashSync(PASSWORD, cost);
  bcrypt.compareSync(PASSWORD, hash);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    bcrypt.compareSync(PASSWORD, hash);
    times.push(performance.now() - started);
  }
  return ceiling(cost, times);
}

/**
 * The same, timed on a thread at the given niceness (Linux), as the server's hashing threads
 * run: on a machine shared with other work, a lower priority thread gets less of a core, and
 * this is the ceiling it can reach there.
 */
export function measureBcryptCeilingAtNiceness(cost: number, niceness: number, runs = 15): Promise<BcryptCeiling> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const bcrypt = require(workerData.bcryptPath);
    try {
      const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
      require('node:os').setPriority(tid, workerData.niceness);
    } catch {}
    const hash = bcrypt.hashSync('${PASSWORD}', workerData.cost);
    bcrypt.compareSync('${PASSWORD}', hash);
    const times = [];
    for (let i = 0; i < workerData.runs; i++) {
      const started = performance.now();
      bcrypt.compareSync('${PASSWORD}', hash);
      times.push(performance.now() - started);
    }
    parentPort.postMessage(times);`;
  const bcryptPath = createRequire(import.meta.url).resolve('bcrypt');
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { bcryptPath, niceness, cost, runs } });
    worker.once('message', (times: number[]) => {
      resolve(ceiling(cost, times));
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}
