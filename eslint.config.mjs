// @ts-check
// Lint for the whole workspace: each project's `lint` target (@nx/eslint/plugin runs `eslint .` in the
// project's folder: `npx nx run-many -t lint`), or `npm run lint` (eslint . from the root).
// Architecture rules (docs/architecture.md):
// - module boundaries from the project tags in each project.json;
// - clients (web, api-client) import only the API's types, from `@app/server-trpc/types`;
// - routers call services, never repositories;
// - only apps/api/src/main.ts reads `process.env` (libs take config as arguments).
import { createProjectGraphAsync } from '@nx/devkit';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// @nx/enforce-module-boundaries reads Nx's cached project graph and silently skips itself when
// there is none (as in a fresh clone), so `npx eslint …` computes the graph before linting. Not
// inside Nx: its lint tasks run on the graph Nx has just written, and its ESLint plugin loads this
// file while building that graph (computing it here would wait on itself).
const fromEslintCli = /[\\/](\.bin[\\/]eslint|eslint[\\/]bin[\\/]eslint\.js)$/.test(process.argv[1] ?? '');
if (fromEslintCli && !process.env['NX_TASK_TARGET_PROJECT']) await createProjectGraphAsync({ exitOnError: true });

/** A scope uses itself or shared; the type rows follow the Nx layering (feature > data-access/ui > util). */
const depConstraints = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared'] },
  { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
  // The server's layers, each using only the ones below it: http → api (tRPC) → domain → data-access → util.
  { sourceTag: 'type:http', onlyDependOnLibsWithTags: ['type:http', 'type:api', 'type:domain', 'type:data-access', 'type:util'] },
  { sourceTag: 'type:api', onlyDependOnLibsWithTags: ['type:api', 'type:domain', 'type:data-access', 'type:util'] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:util'] },
  { sourceTag: 'type:ui', onlyDependOnLibsWithTags: ['type:ui', 'type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  // Test support, end-to-end suites and tooling may use any type (within their scope).
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['*'] },
];

/**
 * Test support (type:testing) starts the real server, so it imports the server's libraries, whose
 * own specs import it back: cycles of the project graph that exist only through specs. Any other
 * cycle is still an error.
 */
const ignoredCircularDependencies = [['tag:type:testing', '*']];

/**
 * The API loads the OpenTelemetry SDK (`@app/server-observability/otel`, an entry of its own) only
 * when tracing is on, and the rest of that library statically: not a lazy-loaded library that a
 * static import would drag back into the main bundle.
 */
const checkDynamicDependenciesExceptions = ['server-observability'];

/** Rule options with `allow`: import paths that skip the checks in the files of that block. */
const boundaries = (...allow) => ['error', { allow, depConstraints, ignoredCircularDependencies, checkDynamicDependenciesExceptions }];

/** Clients see the server only through its type-only entry: `import type { AppRouter } from '@app/server-trpc/types'`. */
const API_TYPES = '@app/server-trpc/types';
const serverTypesOnly = (...except) => [
  'error',
  {
    patterns: [
      {
        group: ['@app/server-*', `!${API_TYPES}`, ...except.map((path) => `!${path}`)],
        message: `Clients import nothing of the server but its types, from ${API_TYPES}.`,
      },
      { group: [API_TYPES], allowTypeImports: true, message: 'Import the API types with `import type`.' },
    ],
  },
];

const webCode = ['apps/web/**', 'libs/web/**'];
const specs = ['**/*.spec.ts'];
/** Test, end-to-end and tooling code, which may read `process.env`. */
const testAndTooling = [
  ...specs,
  '**/*.e2e.ts',
  'apps/api/tests/**',
  'apps/*-e2e/**',
  'libs/server/testing/**',
  'libs/api-client/src/testing/**',
  'tools/**',
  '*.mjs',
  '*.mts',
  'vitest.shared.ts',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/tmp/**', '**/node_modules/**', '**/.angular/**', '**/.nx/**', '**/coverage/**', '**/test-results/**', '**/playwright-report/**', '**/out-tsc/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(),
      '@typescript-eslint/no-explicit-any': 'error',
      // `_`-prefixed parameters hold a place (Express tells error handlers by their four
      // parameters), and `const { stack: _stack, ...rest }` leaves a property out on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only apps/api/src/main.ts reads process.env (through loadEnv); pass config as arguments.' },
      ],
    },
  },
  // Tests may use the server test support.
  { files: specs, rules: { '@nx/enforce-module-boundaries': boundaries('@app/server-testing') } },
  // Web code, its unit tests included, gets only types from the server: `AppRouter` for the tRPC client.
  {
    files: webCode,
    rules: {
      '@nx/enforce-module-boundaries': boundaries(API_TYPES),
      '@typescript-eslint/no-restricted-imports': serverTypesOnly(),
    },
  },
  // So does the shared API client; its tests run against the real server (server-testing).
  {
    files: ['libs/api-client/**'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(API_TYPES),
      '@typescript-eslint/no-restricted-imports': serverTypesOnly(),
    },
  },
  {
    files: ['libs/api-client/**/*.spec.ts', 'libs/api-client/src/testing/**'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(API_TYPES, '@app/server-testing'),
      '@typescript-eslint/no-restricted-imports': serverTypesOnly('@app/server-testing'),
    },
  },
  // One layering rule on the server: routers call services, never repositories.
  {
    files: ['libs/server/trpc/src/routers/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@app/server-data-access', message: 'Routers call services (@app/server-core); services call repositories.' }] },
      ],
    },
  },
  { files: ['apps/api/src/main.ts', ...testAndTooling], rules: { 'no-restricted-properties': 'off' } },
  // The database scripts read a password with the CLI's own hidden prompt (one implementation of it).
  { files: ['tools/scripts/**'], rules: { '@nx/enforce-module-boundaries': boundaries('../cli/src/terminal-input') } },
  // Each project's Vitest config builds on the workspace's one (vitest.shared.ts, outside every project).
  { files: ['**/vitest.config.mts'], rules: { '@nx/enforce-module-boundaries': 'off' } },
);
