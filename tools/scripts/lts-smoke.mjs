#!/usr/bin/env node
// The API's smoke subset on the current LTS Node.js (.nvmrc; fetched from the npm registry by
// lts-node.mjs), so a break on the supported line is caught even where the machine runs an
// older Node. Vitest itself runs on that Node, so both the in-process servers and the spawned
// built server (`process.execPath`) run on it. With LTS_SMOKE_REPORT=<file> vitest also writes
// its JSON report there (tools/scripts/test-all.mjs counts the tests from it).
//   node tools/scripts/lts-smoke.mjs        (or: nx run api:smoke-lts)
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { ltsNode } from './lts-node.mjs';

const root = resolve(import.meta.dirname, '../..');

/** Start-up, the main flows over HTTP, the built server as a process, the image's layout, metrics and traces. */
export const LTS_SMOKE_SPECS = [
  'apps/api/tests/smoke.spec.ts',
  'apps/api/tests/auth-flows.spec.ts',
  'apps/api/tests/people.spec.ts',
  'apps/api/tests/process.spec.ts',
  'apps/api/tests/runtime-image.spec.ts',
  'apps/api/tests/metrics.spec.ts',
  'apps/api/tests/tracing.spec.ts',
];

let node;
try {
  node = ltsNode();
} catch (error) {
  console.error(`Could not fetch the LTS Node.js: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
process.stdout.write(`API smoke tests on Node.js ${version} (${node})\n`);
const report = process.env.LTS_SMOKE_REPORT;
const reporters = report ? ['--reporter=default', '--reporter=json', `--outputFile.json=${report}`] : [];
const result = spawnSync(node, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'api', ...LTS_SMOKE_SPECS, ...reporters], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TEST_DB: 'pglite' },
});
process.exit(result.status ?? 1);
