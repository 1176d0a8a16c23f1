#!/usr/bin/env node
// Every check of the workspace through Nx, ending with one line: "N passed, N failed".
//
//   node tools/scripts/test-all.mjs            nx run-many -t lint typecheck test build e2e smoke-lts
//   NX_BASE=<commit> node tools/…/test-all.mjs nx affected -t … (only what changed since NX_BASE; NX_HEAD defaults to HEAD)
//   node tools/scripts/test-all.mjs --summary  only sum the results of an Nx run already made
//                                              with TASK_RESULTS_FILE set (the GitHub workflow)
//
// The server-side suites run on PGlite and, when TEST_DATABASE_URL is set, on PostgreSQL too
// (vitest.shared.ts). Counting, from the per-project reports Nx runs or restores from its cache:
// each test in a Vitest or Playwright JSON report (tmp/reports/<project root>/<target>.json); a
// target whose tasks write no report (lint, typecheck, build) is one check, passed when every
// project's task passed, else one failure per failed task (a test task that crashed before writing
// its report is one of those); a task that failed without a failing test in its report is one
// failure more.
// Exit code: non-zero when anything failed or nothing was counted.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CI_TARGETS } from './ci-targets.mjs';

const root = resolve(import.meta.dirname, '../..');
const reports = join(root, 'tmp/reports');
const resultsFile = process.env['TASK_RESULTS_FILE'] ?? join(root, 'tmp/nx-task-results.json');

if (!process.argv.includes('--summary')) runNx();
const { lines, passed, failed, skipped } = summarize();
process.stdout.write(`\nSummary:\n${lines.join('\n')}\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

/** One Nx run of every CI target: affected ones when NX_BASE is set, else all of them. */
function runNx() {
  rmSync(reports, { recursive: true, force: true });
  rmSync(resultsFile, { force: true });
  const base = process.env['NX_BASE'];
  const scope = base ? ['affected', `--base=${base}`, `--head=${process.env['NX_HEAD'] || 'HEAD'}`] : ['run-many'];
  const args = [...scope, '-t', ...CI_TARGETS, '--output-style=static'];
  process.stdout.write(`\n=== nx ${args.join(' ')}\n`);
  if (!process.env['TEST_DATABASE_URL']) process.stdout.write('(TEST_DATABASE_URL is not set: the server-side suites run on PGlite only)\n');
  spawnSync(join(root, 'node_modules/.bin/nx'), args, {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', TASK_RESULTS_FILE: resultsFile },
  });
}

/** @typedef {{ id: string, project: string, target: string, projectRoot: string, status: string, code: number, seconds?: number }} TaskResult */

function summarize() {
  if (!existsSync(resultsFile)) {
    return { lines: [`  - no task results at ${resultsFile}: Nx did not run (counted as 1 failure)`], passed: 0, failed: 1, skipped: 0 };
  }
  /** @type {TaskResult[]} */
  const tasks = JSON.parse(readFileSync(resultsFile, 'utf8')).tasks.sort((a, b) => a.id.localeCompare(b.id));
  const lines = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  /** @type {Map<string, string[]>} target → ids of its failed tasks */
  const checks = new Map();
  for (const task of tasks) {
    const ok = task.status !== 'failure' && task.status !== 'skipped';
    const cached = task.status.includes('cache') ? ' (from the cache)' : task.seconds === undefined ? '' : ` (${task.seconds} s)`;
    const report = testReport(task);
    if (!report) {
      const failures = checks.get(task.target) ?? [];
      if (!ok) failures.push(`${task.id} (${task.status})`);
      checks.set(task.target, failures);
      continue;
    }
    const counts = report.counts;
    // A runner that failed without a failing test still failed (an error outside the tests).
    const extra = !ok && counts.failed === 0 ? 1 : 0;
    passed += counts.passed;
    failed += counts.failed + extra;
    skipped += counts.skipped;
    lines.push(`  - ${task.id}: ${counts.passed} passed, ${counts.failed + extra} failed${extra ? ` (${task.status}, exit ${task.code})` : ''}${cached}`);
  }
  for (const [target, failures] of checks) {
    const count = tasks.filter((task) => task.target === target).length;
    if (failures.length === 0) {
      passed += 1;
      lines.push(`  - ${target}: ${count} project${count === 1 ? '' : 's'}, all passed (1 check)`);
    } else {
      failed += failures.length;
      lines.push(`  - ${target}: ${failures.length} of ${count} projects failed: ${failures.join(', ')}`);
    }
  }
  return { lines, passed, failed, skipped };
}

/**
 * The JSON report a task writes (or Nx restores with it): tmp/reports/<project root>/<target>.json,
 * from Vitest (test, e2e, smoke-lts) or Playwright (web-e2e). Undefined for tasks without one
 * (lint, typecheck, build), which count as checks.
 * @param {TaskResult} task
 */
function testReport(task) {
  const file = join(reports, task.projectRoot, `${task.target}.json`);
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  if (report.stats) {
    const { stats } = report;
    return { file, counts: { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped } };
  }
  return { file, counts: { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests } };
}
