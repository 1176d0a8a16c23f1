import bcrypt from 'bcrypt';
import { availableParallelism } from 'node:os';

export interface BcryptCeiling {
  cost: number;
  cores: number;
  /** Median time of one bcrypt comparison on one core, in ms. */
  hashMs: number;
  /** cores × 1 / one hash's time: the most logins per second this machine can verify. */
  perSecond: number;
}

/**
 * Times single bcrypt comparisons (what a login costs) at `cost`, one at a time on this
 * process's thread, and derives the machine's ceiling for logins per second.
 */
export function measureBcryptCeiling(cost: number, runs = 15): BcryptCeiling {
  const hash = bcrypt.hashSync('Bench#Pass-2026', cost);
  bcrypt.compareSync('Bench#Pass-2026', hash);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    bcrypt.compareSync('Bench#Pass-2026', hash);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const hashMs = times[Math.floor(times.length / 2)] ?? NaN;
  const cores = availableParallelism();
  return { cost, cores, hashMs, perSecond: (cores * 1000) / hashMs };
}
