#!/usr/bin/env node
// Runs every test suite of the workspace, in order, and ends with one line:
//   "N passed, N failed"
// Database suites run on embedded PGlite and, when TEST_DATABASE_URL is set, again on PostgreSQL.
// Exit code: non-zero when any test failed or any runner failed to run.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const out = join(root, 'tmp/test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const bin = (name) => join(root, 'node_modules/.bin', name);
const pgUrl = process.env.TEST_DATABASE_URL;

/** Vitest projects that talk to a database: run on PGlite and (with TEST_DATABASE_URL) on PostgreSQL. */
const DB_PROJECTS = ['api', 'api-client', 'api-e2e'];

/** @type {{ name: string, command: string, args: string[], env?: Record<string, string>, report?: string, kind: 'vitest' | 'playwright' | 'exit-code', when?: () => boolean }[]} */
const suites = [
  {
    // The whole repository is one test: passed when eslint exits 0.
    name: 'lint (eslint)',
    command: bin('eslint'),
    args: ['.'],
    env: { NX_DAEMON: 'false' },
    kind: 'exit-code',
  },
  {
    name: 'node suites on PGlite (vitest)',
    command: bin('vitest'),
    args: ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${join(out, 'vitest-pglite.json')}`],
    env: { TEST_DB: 'pglite' },
    report: join(out, 'vitest-pglite.json'),
    kind: 'vitest',
  },
  {
    name: 'database suites on PostgreSQL (vitest)',
    command: bin('vitest'),
    args: ['run', ...DB_PROJECTS.flatMap((p) => ['--project', p]), '--reporter=default', '--reporter=json', `--outputFile.json=${join(out, 'vitest-postgres.json')}`],
    env: { TEST_DB: 'postgres' },
    report: join(out, 'vitest-postgres.json'),
    kind: 'vitest',
    when: () => Boolean(pgUrl),
  },
  {
    // A current LTS Node.js from the npm registry (.nvmrc), whatever Node this machine runs.
    name: 'API smoke tests on the LTS Node.js (vitest)',
    command: bin('nx'),
    args: ['run', 'api:smoke-lts', '--output-style=stream'],
    env: { NX_DAEMON: 'false', LTS_SMOKE_REPORT: join(out, 'vitest-lts.json') },
    report: join(out, 'vitest-lts.json'),
    kind: 'vitest',
  },
  {
    name: 'web unit tests (Angular unit-test builder, vitest)',
    command: bin('nx'),
    args: ['run', 'web:test', '--reporters=json', '--reporters=default', `--outputFile=${join(out, 'vitest-web.json')}`],
    env: { NX_DAEMON: 'false' },
    report: join(out, 'vitest-web.json'),
    kind: 'vitest',
  },
  {
    // globalSetup builds api and web, then starts the built server on free ports with fresh databases.
    name: 'web app end to end in Chromium (playwright)',
    command: bin('playwright'),
    args: ['test', '-c', 'apps/web-e2e/playwright.config.ts', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: join(out, 'playwright-web.json') },
    report: join(out, 'playwright-web.json'),
    kind: 'playwright',
  },
];

function run(suite) {
  return new Promise((resolvePromise) => {
    const child = spawn(suite.command, suite.args, {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ...suite.env },
    });
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolvePromise(127));
  });
}

/** Tests passed and failed by one suite: from its JSON report, or (`exit-code`) one test per run. */
function count(suite, code) {
  if (suite.kind === 'exit-code') return { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 };
  if (!existsSync(suite.report)) return undefined;
  const report = JSON.parse(readFileSync(suite.report, 'utf8'));
  if (suite.kind === 'vitest') return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
  return { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected, skipped: report.stats.skipped };
}

let passed = 0;
let skipped = 0;
let failed = 0;
const lines = [];
for (const suite of suites) {
  if (suite.when && !suite.when()) {
    lines.push(`  - ${suite.name}: not run (${suite.name.includes('PostgreSQL') ? 'TEST_DATABASE_URL is not set' : 'not applicable'})`);
    continue;
  }
  process.stdout.write(`\n=== ${suite.name}\n`);
  const code = await run(suite);
  const result = count(suite, code);
  if (!result) {
    failed += 1;
    lines.push(`  - ${suite.name}: runner exited ${code} without a report (counted as 1 failure)`);
    continue;
  }
  // A runner that exits non-zero with no failed test still failed (e.g. an error outside tests).
  const extra = code !== 0 && result.failed === 0 ? 1 : 0;
  passed += result.passed;
  skipped += result.skipped ?? 0;
  failed += result.failed + extra;
  lines.push(`  - ${suite.name}: ${result.passed} passed, ${result.failed + extra} failed${extra ? ` (runner exited ${code})` : ''}`);
}

process.stdout.write(`\nSummary:\n${lines.join('\n')}\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
