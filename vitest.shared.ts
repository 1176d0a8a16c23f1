import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { configDefaults, defineConfig, type TestProjectInlineConfiguration, type ViteUserConfig } from 'vitest/config';

/**
 * The Vitest configuration every Node-side project uses (`<project>/vitest.config.mts` calls
 * `nodeTests` or `serverTests`). Nx's @nx/vitest plugin turns each of those files into the
 * project's `test` (or, for `*-e2e` projects, `e2e`) target; the root vitest.config.mts gathers
 * them so `npx vitest run --project <name>` still works from the workspace root.
 */

const WORKSPACE_ROOT = import.meta.dirname;

/**
 * The workspace's path aliases (tsconfig.base.json), for Vite's resolver. Longest first: Vite
 * also matches an alias as a prefix, so `@app/api-client` must not capture `@app/api-client/node`.
 */
const paths: Record<string, string[]> = JSON.parse(readFileSync(resolve(WORKSPACE_ROOT, 'tsconfig.base.json'), 'utf8')).compilerOptions.paths;
const alias = Object.fromEntries(
  Object.entries(paths)
    .sort(([a], [b]) => b.length - a.length)
    .map(([name, [target]]) => [name, resolve(WORKSPACE_ROOT, target ?? '')]),
);

/** Migrates one PGlite per run and hands test files a snapshot of it (libs/server/testing). */
const PGLITE_SNAPSHOT_SETUP = resolve(WORKSPACE_ROOT, 'libs/server/testing/src/global-setup.ts');

export interface NodeTestsOptions {
  /** Spec globs, relative to the project directory. */
  include: string[];
  testTimeout?: number;
  hookTimeout?: number;
}

export interface ServerTestsOptions extends NodeTestsOptions {
  /** Specs that need a PostgreSQL server (several API processes, outages): left out of the PGlite pass. */
  postgresOnly?: string[];
}

/** The Nx project name, from the project.json next to the config (Vitest projects share it). */
function projectName(projectDir: string): string {
  return (JSON.parse(readFileSync(resolve(projectDir, 'project.json'), 'utf8')) as { name: string }).name;
}

/**
 * Where the project's JSON report goes: tmp/reports/<project root>/<Nx target>.json (`test.json`,
 * or `e2e.json` for the end-to-end projects). The targets declare it as an output (nx.json), so a
 * cache hit restores it, and tools/scripts/test-all.mjs sums these reports into the final
 * "N passed, N failed" line.
 */
export function vitestReportFile(projectDir: string): string {
  const target = process.env['NX_TASK_TARGET_TARGET'] ?? 'test';
  return resolve(WORKSPACE_ROOT, 'tmp/reports', relative(WORKSPACE_ROOT, projectDir), `${target}.json`);
}

function inlineProject(projectDir: string, name: string, options: NodeTestsOptions, test: TestProjectInlineConfiguration['test'] = {}): TestProjectInlineConfiguration {
  return {
    root: projectDir,
    resolve: { alias },
    test: {
      name,
      include: options.include,
      environment: 'node',
      // A project's files run one after another in one worker and one module graph, instead of
      // importing the server again (Express, tRPC, Kysely, pg, PGlite, OpenTelemetry) for every
      // file: api's PGlite pass took 144 s with a fresh graph per file, 84 s with one. The specs
      // keep no state in modules (no vi.mock, no stubbed globals or environment); each file
      // builds its own servers and databases and closes them.
      isolate: false,
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: options.hookTimeout ?? 60_000,
      ...test,
    },
  };
}

function withReport(projectDir: string, projects: TestProjectInlineConfiguration[]): ViteUserConfig {
  return defineConfig({
    test: {
      projects,
      reporters: ['default', 'json'],
      outputFile: { json: vitestReportFile(projectDir) },
    },
  });
}

/** Specs that need no database. */
export function nodeTests(projectDir: string, options: NodeTestsOptions): ViteUserConfig {
  return withReport(projectDir, [inlineProject(projectDir, projectName(projectDir), options)]);
}

/**
 * The server-side suites, run on both databases: on embedded PGlite, and on the PostgreSQL server
 * at TEST_DATABASE_URL when it is set (each test file creates and drops its own database there).
 * TEST_DB=pglite or TEST_DB=postgres runs one of the two only. Both variables are inputs of the
 * Nx targets (nx.json), so a cached PGlite-only run never stands in for a PostgreSQL one.
 */
export function serverTests(projectDir: string, options: ServerTestsOptions): ViteUserConfig {
  const name = projectName(projectDir);
  const wanted = process.env['TEST_DB'];
  const onPglite = wanted !== 'postgres';
  const onPostgres = wanted === 'postgres' || (wanted !== 'pglite' && Boolean(process.env['TEST_DATABASE_URL']));
  const projects: TestProjectInlineConfiguration[] = [];
  if (onPglite) {
    projects.push(
      inlineProject(projectDir, name, options, {
        exclude: [...configDefaults.exclude, ...(options.postgresOnly ?? [])],
        env: { TEST_DB: 'pglite' },
        globalSetup: [PGLITE_SNAPSHOT_SETUP],
      }),
    );
  }
  if (onPostgres) {
    // Named like the project when it is the only pass, so `TEST_DB=postgres vitest run --project api` works.
    projects.push(inlineProject(projectDir, onPglite ? `${name}:postgres` : name, options, { env: { TEST_DB: 'postgres' } }));
  }
  return withReport(projectDir, projects);
}
