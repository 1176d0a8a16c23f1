import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The workspace's path aliases (tsconfig.base.json), for Vite's resolver. Longest first: Vite
 * also matches an alias as a prefix, so `@app/api-client` must not capture `@app/api-client/node`.
 */
const paths: Record<string, string[]> = JSON.parse(readFileSync(resolve(import.meta.dirname, 'tsconfig.base.json'), 'utf8'))
  .compilerOptions.paths;
const alias = Object.fromEntries(
  Object.entries(paths)
    .sort(([a], [b]) => b.length - a.length)
    .map(([name, [target]]) => [name, resolve(import.meta.dirname, target ?? '')]),
);

const node = (name: string, include: string[], extra: Record<string, unknown> = {}) => ({
  resolve: { alias },
  test: {
    name,
    include,
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    ...extra,
  },
});

/** Suites that need a PostgreSQL server (two API processes, outages): only in the PostgreSQL pass. */
const POSTGRES_ONLY = ['apps/api-e2e/src/two-processes.spec.ts', 'apps/api-e2e/src/behind-a-proxy.spec.ts', 'apps/api-e2e/src/database-faults.spec.ts'];
const onPostgres = process.env['TEST_DB'] === 'postgres';

/**
 * Node-side test projects. The database suites run on PGlite by default and on PostgreSQL
 * with TEST_DB=postgres TEST_DATABASE_URL=… (tools/scripts/test-all.mjs runs both).
 */
export default defineConfig({
  test: {
    projects: [
      node('contracts', ['libs/shared/contracts/src/**/*.spec.ts']),
      // The database scripts as a user runs them, on an embedded database of their own.
      node('tools', ['tools/scripts/**/*.spec.ts'], { testTimeout: 120_000 }),
      node('api', ['apps/api/src/**/*.spec.ts', 'apps/api/tests/**/*.spec.ts', 'libs/server/**/*.spec.ts'], {
        globalSetup: ['libs/server/testing/src/global-setup.ts'],
      }),
      // Attack, fault and race suite over real HTTP; fuzzing and spawned servers need long timeouts.
      node('api-e2e', ['apps/api-e2e/src/**/*.spec.ts'], {
        exclude: onPostgres ? [] : POSTGRES_ONLY,
        globalSetup: ['libs/server/testing/src/global-setup.ts'],
        testTimeout: 240_000,
        hookTimeout: 120_000,
      }),
      node('api-client', ['libs/api-client/src/**/*.spec.ts', 'tools/cli/**/*.spec.ts'], {
        globalSetup: ['libs/server/testing/src/global-setup.ts'],
      }),
    ],
  },
});
