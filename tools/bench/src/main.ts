// `npm run bench`: starts the built API on a PostgreSQL database of its own, loads it with
// autocannon next to a bare node:http ceiling, and writes a Markdown table and JSON.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureApiBuilt } from '@app/server-testing';
import type { BcryptCeiling } from './bcrypt-ceiling';
import { Bench, log } from './bench';
import { BCRYPT_COST, type BenchContext, LOGIN_PARTS, LOGIN_SETTLE_SEC, LOGIN_WARMUP_SEC, loginPartSec, outDir, root, startApi } from './bench-context';
import { type BenchDatabase, createBenchDatabase } from './bench-database';
import { signUpUsers } from './bench-users';
import { CpuProbe } from './cpu-probe';
import { type BenchOptions, parseOptions, USAGE } from './options';
import type { ChildServer } from './processes';
import { type BenchReport, evaluateTargets, type InstructionRow, markdownReport, markdownTable, webLine } from './report';
import { measureBaseline } from './scenarios/baseline';
import { measureInstructions } from './scenarios/instructions';
import { measureLogging } from './scenarios/logging';
import { measureLogin } from './scenarios/login';
import { measurePeople } from './scenarios/people';
import { measureRefresh, measureWrongRefreshSecret } from './scenarios/refresh';
import { measureWebSize } from './web-size';

/** Server settings a caller may vary from the environment (reported when set). */
const PASSED_THROUGH = ['DATABASE_POOL_MAX'];

/**
 * The node binary for the servers: the pinned LTS by default (measure on the line that ships),
 * `current` for the one running the bench, or a path.
 */
function serverNode(choice: string): string {
  if (choice === 'current') return process.execPath;
  if (choice !== 'lts') return choice;
  return execFileSync(process.execPath, [join(root, 'tools/scripts/lts-node.mjs')], { encoding: 'utf8' }).trim();
}

/** Share of all cores busy over `ms` (other work, before the bench starts anything). */
async function cpuBusy(ms: number): Promise<number> {
  const sample = () => cpus().reduce((acc, c) => ({ idle: acc.idle + c.times.idle, total: acc.total + Object.values(c.times).reduce((a, b) => a + b, 0) }), { idle: 0, total: 0 });
  const a = sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = sample();
  const total = b.total - a.total;
  return total > 0 ? 1 - (b.idle - a.idle) / total : 0;
}

/** The API on a database of its own, with accounts signed up through it (hashes and tokens are the server's own). */
async function setUp(options: BenchOptions, node: string, db: BenchDatabase, children: ChildServer[], extraDbs: BenchDatabase[]): Promise<BenchContext> {
  const jwtSecret = randomBytes(48).toString('base64');
  const bench = new Bench(options);
  const api = await startApi({ node, jwtSecret, bench }, db, 'warn');
  children.push(api);
  log(`API at ${api.url} (pid ${api.pid}, log ${api.logFile})`);
  const runId = randomBytes(3).toString('hex');
  const { users, sessions } = await signUpUsers(api.url, Math.max(...options.connections), runId);
  return {
    bench,
    node,
    db,
    jwtSecret,
    api,
    apiProbe: new CpuProbe(api.pid, db.backendPids),
    users,
    signupSessions: sessions,
    bearer: { authorization: `Bearer ${sessions[0]?.accessToken ?? ''}` },
    runId,
    children,
    extraDbs,
  };
}

/** Every scenario in order, each on the same API; the logging one last, as it replaces the API. */
async function measureAll(ctx: BenchContext): Promise<{ bcrypt: BcryptCeiling | null; instructions: InstructionRow[] }> {
  await measureBaseline(ctx);
  await measurePeople(ctx);
  await measureRefresh(ctx);
  await measureWrongRefreshSecret(ctx);
  const bcrypt = await measureLogin(ctx);
  const instructions = await measureInstructions(ctx);
  await measureLogging(ctx);
  return { bcrypt, instructions };
}

async function run(options: BenchOptions): Promise<BenchReport> {
  mkdirSync(outDir, { recursive: true });
  const backgroundCpuBefore = await cpuBusy(2_000);
  const loadAverageBefore = loadavg();
  log('Building the API if needed (nx run api:build, cached while its sources are unchanged)');
  ensureApiBuilt();
  const node = serverNode(options.node);
  const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  log(`Servers run on Node ${nodeVersion} (${node})`);

  const db = await createBenchDatabase(options.adminUrl);
  log(`Database ${db.name} on PostgreSQL ${db.serverVersion}`);
  const children: ChildServer[] = [];
  const extraDbs: BenchDatabase[] = [];
  const cleanUp = async () => {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    for (const each of [...extraDbs, db]) await each.drop().catch((error: unknown) => log(`could not drop ${each.name}: ${String(error)}`));
  };
  // Interrupted: still stop the servers and drop the databases.
  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping the servers and dropping ${[db, ...extraDbs].map((d) => d.name).join(', ')}`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let bench: Bench;
  let measured: Awaited<ReturnType<typeof measureAll>>;
  try {
    const ctx = await setUp(options, node, db, children, extraDbs);
    bench = ctx.bench;
    measured = await measureAll(ctx);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp();
  }

  // Everything of ours is stopped: what still runs is other work.
  const backgroundCpuAfter = await cpuBusy(2_000);
  const web = measureWebSize(join(root, 'dist/apps/web/browser')) ?? null;
  const serverEnv = Object.fromEntries(PASSED_THROUGH.filter((k) => process.env[k]).map((k) => [k, process.env[k] as string]));
  return {
    generatedAt: new Date().toISOString(),
    command: options.command,
    quick: options.quick,
    durationSec: options.durationSec,
    warmupSec: options.warmupSec,
    login: { firstWarmupSec: Math.max(options.warmupSec, LOGIN_WARMUP_SEC), parts: LOGIN_PARTS, partSec: loginPartSec(options.durationSec), settleSec: LOGIN_SETTLE_SEC },
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
      cores: availableParallelism(),
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      os: `${type()} ${release()}`,
      backgroundCpuBefore,
      backgroundCpuAfter,
      loadAverageBefore,
      loadAverageAfter: loadavg(),
      busy: Math.max(backgroundCpuBefore, backgroundCpuAfter) > 0.15,
    },
    node: nodeVersion,
    runnerNode: process.version,
    postgres: db.serverVersion,
    server: { logLevel: 'warn', bcryptCost: BCRYPT_COST, env: serverEnv },
    note: options.note,
    bcrypt: measured.bcrypt,
    rows: bench.rows,
    instructions: measured.instructions,
    targets: evaluateTargets(bench.rows, options.sizes, web, measured.instructions),
    web,
  };
}

/** Everything after this line in docs/benchmarks.md is written by hand and kept across runs. */
const NOTES_MARKER = '<!-- Notes below are kept when the bench rewrites this file. -->';

function withKeptNotes(generated: string, file: string): string {
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = previous.indexOf(NOTES_MARKER);
  const notes = at >= 0 ? previous.slice(at + NOTES_MARKER.length) : '\n';
  return `${generated.trimEnd()}\n\n${NOTES_MARKER}${notes}`;
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    log(USAGE);
    return;
  }
  let report: BenchReport;
  if (options.render) {
    report = JSON.parse(readFileSync(resolve(options.render), 'utf8')) as BenchReport;
    const sizes = [...new Set(report.rows.flatMap((r) => (r.peopleRows === undefined ? [] : [r.peopleRows])))].sort((a, b) => a - b);
    report.targets = evaluateTargets(report.rows, sizes, report.web, report.instructions);
  } else {
    report = await run(options);
  }

  log(`\n${markdownTable(report.rows)}\n`);
  for (const t of report.targets) log(`${t.met === null ? '–' : t.met ? '✓' : '✗'} ${t.target}: ${t.detail || 'not measured in this run'}`);
  log(`\n${webLine(report.web)}`);

  const json = `${JSON.stringify(report, null, 2)}\n`;
  const markdown = markdownReport(report);
  writeFileSync(join(outDir, 'results.json'), json);
  writeFileSync(join(outDir, 'results.md'), markdown);
  const written = ['tmp/bench/results.json', 'tmp/bench/results.md'];
  if (options.writeDocs) {
    mkdirSync(join(root, 'docs'), { recursive: true });
    writeFileSync(join(root, 'docs/benchmarks.json'), json);
    writeFileSync(join(root, 'docs/benchmarks.md'), withKeptNotes(markdown, join(root, 'docs/benchmarks.md')));
    written.push('docs/benchmarks.md', 'docs/benchmarks.json');
  }
  log(`Wrote ${written.join(', ')}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
