import { serverTests } from '../../vitest.shared';

// Attack, fault and race suite over real HTTP; fuzzing and spawned servers need long timeouts.
export default serverTests(import.meta.dirname, {
  include: ['src/**/*.spec.ts'],
  // Several API processes on one database (side by side, behind a proxy), database outages and a
  // second connection holding a row lock, shutdown with a call held on a table lock: PostgreSQL only.
  postgresOnly: ['src/two-processes.spec.ts', 'src/behind-a-proxy.spec.ts', 'src/database-faults.spec.ts', 'src/refresh-row-lock.spec.ts', 'src/mail-two-processes.spec.ts', 'src/shutdown.spec.ts'],
  testTimeout: 240_000,
  hookTimeout: 120_000,
});
