// `npm run bench`: starts the built API on a PostgreSQL database of its own, loads it with
// autocannon next to a bare node:http ceiling, and writes a Markdown table and JSON.
import type autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureApiBuilt } from '@app/server-testing';
import { DEFAULT_HASH_NICENESS } from '@app/server-core';
import { measureBcryptCeiling, measureBcryptCeilingAtNiceness, type BcryptCeiling } from './bcrypt-ceiling';
import { type BenchDatabase, createBenchDatabase, deepCursor, growPeople, SEARCH_TERM } from './bench-database';
import { type BenchUser, logIn, type SessionTokens, signUpUsers } from './bench-users';
import { CpuProbe, type CpuUse } from './cpu-probe';
import { type LoadResult, type LoadSpec, runLoad } from './load';
import { type BenchOptions, parseOptions, USAGE } from './options';
import { freePort, startChildServer, type ChildServer } from './processes';
import { type BenchReport, evaluateTargets, fmtCpu, fmtMs, fmtRps, markdownReport, markdownTable, pct, type ResultRow, rowLabel, webLine } from './report';
import { measureWebSize } from './web-size';

const root = resolve(import.meta.dirname, '../../..');
const outDir = join(root, 'tmp/bench');
const BCRYPT_COST = 10;
/** Server settings a caller may vary from the environment (reported when set). */
const PASSED_THROUGH = ['DATABASE_POOL_MAX'];

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Share of all cores busy over `ms` (other work, before the bench starts anything). */
async function cpuBusy(ms: number): Promise<number> {
  const sample = () => cpus().reduce((acc, c) => ({ idle: acc.idle + c.times.idle, total: acc.total + Object.values(c.times).reduce((a, b) => a + b, 0) }), { idle: 0, total: 0 });
  const a = sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = sample();
  const total = b.total - a.total;
  return total > 0 ? 1 - (b.idle - a.idle) / total : 0;
}

class Bench {
  readonly rows: ResultRow[] = [];
  private readonly ceilingRps = new Map<number, number>();

  constructor(readonly options: BenchOptions) {}

  wants(key: string): boolean {
    return !this.options.only || this.options.only.some((prefix) => key.startsWith(prefix));
  }

  /** Warm-up, then the measured run (with the CPU it cost when a probe is given). */
  async measure(
    spec: Omit<LoadSpec, 'durationSec'>,
    probe?: CpuProbe,
    drain?: () => Promise<unknown>,
  ): Promise<LoadResult & { cpu?: CpuUse }> {
    await runLoad({ ...spec, durationSec: this.options.warmupSec });
    // A run ends with requests in flight that the server still works through (a queue of
    // logins waiting for the hashing threads): let them finish before measuring.
    await drain?.();
    const stop = await probe?.start();
    const result = await runLoad({ ...spec, durationSec: this.options.durationSec });
    return { ...result, cpu: await stop?.() };
  }

  record(row: Omit<ResultRow, 'ratio' | 'ratioTo'> & { ratio?: number | null; ratioTo?: ResultRow['ratioTo'] }): ResultRow {
    const ceiling = this.ceilingRps.get(row.connections);
    const full: ResultRow = {
      ...row,
      ratio: row.ratio !== undefined ? row.ratio : ceiling ? row.rps / ceiling : null,
      ratioTo: row.ratioTo ?? 'ceiling',
    };
    if (full.key === 'ceiling') this.ceilingRps.set(full.connections, full.rps);
    this.rows.push(full);
    const errors = full.errors ? `  errors ${full.errors} ${JSON.stringify(full.statuses)}` : '';
    log(
      `  ${rowLabel(full).padEnd(48)} ${String(full.connections).padStart(3)} conns  ${fmtRps(full.rps).padStart(7)} req/s  ` +
        `p50 ${fmtMs(full.p50).padStart(5)}  p99 ${fmtMs(full.p99).padStart(5)} ms  ${full.ratioTo === 'ceiling' ? pct(full.ratio) : `${pct(full.ratio)} of bcrypt`}` +
        `  cpu µs/req ${fmtCpu(full)}${errors}`,
    );
    return full;
  }
}

function fromLoad(result: LoadResult & { cpu?: CpuUse }) {
  const perRequest = (ms: number) => (result.ok ? (ms * 1000) / result.ok : NaN);
  return {
    rps: result.rps,
    p50: result.p50,
    p99: result.p99,
    errors: result.errors,
    statuses: result.statuses,
    ...(result.cpu ? { cpuUsPerRequest: { server: perRequest(result.cpu.serverMs), postgres: perRequest(result.cpu.postgresMs) } } : {}),
  };
}

async function startApi(db: BenchDatabase, jwtSecret: string, logLevel: string, profile: boolean, name = `api-${logLevel}`): Promise<ChildServer> {
  const port = await freePort();
  const unlimited = '999999999/1m';
  return startChildServer({
    script: join(root, 'dist/apps/api/main.mjs'),
    nodeFlags: ['--enable-source-maps', ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${join(outDir, 'profiles')}`] : [])],
    env: {
      ...(process.env as Record<string, string>),
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      JWT_SECRET: jwtSecret,
      BCRYPT_COST: String(BCRYPT_COST),
      LOG_LEVEL: logLevel,
      // A full run outlasts the default 15 minutes; the token's lifetime costs nothing per request.
      ACCESS_TOKEN_TTL: '6h',
      HOST: '127.0.0.1',
      PORT: String(port),
      RATE_LIMIT_LOGIN_PER_IP: unlimited,
      RATE_LIMIT_LOGIN_PER_EMAIL: unlimited,
      RATE_LIMIT_SIGNUP_PER_IP: unlimited,
      RATE_LIMIT_REFRESH_PER_IP: unlimited,
      ADMIN_EMAIL: '',
      ADMIN_PASSWORD: '',
    },
    port,
    readyPath: '/readyz',
    logFile: join(outDir, `${name}.log`),
  });
}

/** A connection that logs in as its own user, over and over. */
function loginSpec(api: string, users: BenchUser[], connections: number): Omit<LoadSpec, 'durationSec'> {
  let next = 0;
  return {
    url: api,
    connections,
    method: 'POST',
    path: '/trpc/auth.login',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(users[0]),
    // 50 connections queue for two hashing threads: answers take seconds, and are still answers.
    timeoutSec: 60,
    setupClient: (client: autocannon.Client) => {
      client.setBody(JSON.stringify(users[next++ % users.length]));
    },
  };
}

async function run(options: BenchOptions): Promise<BenchReport> {
  mkdirSync(outDir, { recursive: true });
  const backgroundCpuBefore = await cpuBusy(2_000);
  const loadAverageBefore = loadavg();
  log('Building the API if needed (nx run api:build, cached while its sources are unchanged)');
  ensureApiBuilt();

  const bench = new Bench(options);
  const db = await createBenchDatabase(options.adminUrl);
  log(`Database ${db.name} on PostgreSQL ${db.serverVersion}`);
  /** Databases of the people.list tiers, one per table size. */
  const tierDbs: BenchDatabase[] = [];
  const children: ChildServer[] = [];
  let bcrypt: BcryptCeiling | null = null;
  const cleanUp = async () => {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    for (const each of [...tierDbs, db]) await each.drop().catch((error: unknown) => log(`could not drop ${each.name}: ${String(error)}`));
  };
  // Interrupted: still stop the servers and drop the database.
  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping the servers and dropping ${[db, ...tierDbs].map((d) => d.name).join(', ')}`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const jwtSecret = randomBytes(48).toString('base64');
    const api = await startApi(db, jwtSecret, 'warn', options.profile);
    children.push(api);
    log(`API at ${api.url} (pid ${api.pid}, log ${api.logFile})`);

    // Users and sessions through the API, so hashes and tokens are the server's own.
    const maxConnections = Math.max(...options.connections);
    const runId = randomBytes(3).toString('hex');
    const { users, sessions: signupSessions } = await signUpUsers(api.url, maxConnections, runId);
    const token = signupSessions[0]?.accessToken ?? '';
    const bearer = { authorization: `Bearer ${token}` };
    const meBody = await (await fetch(`${api.url}/trpc/auth.me`, { headers: bearer })).text();

    const ceilingPort = await freePort();
    const ceiling = await startChildServer({
      script: join(root, 'tools/bench/src/ceiling-server.mjs'),
      env: { PATH: process.env['PATH'] ?? '', PORT: String(ceilingPort), CEILING_BODY: meBody },
      port: ceilingPort,
      readyPath: '/',
      logFile: join(outDir, 'ceiling.log'),
    });
    children.push(ceiling);
    const floorPort = await freePort();
    const floor = await startChildServer({
      script: join(root, 'tools/bench/src/trpc-floor-server.mjs'),
      env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', PORT: String(floorPort), CEILING_BODY: meBody },
      port: floorPort,
      readyPath: '/trpc/me',
      logFile: join(outDir, 'trpc-floor.log'),
    });
    children.push(floor);
    const apiProbe = new CpuProbe(api.pid, db.backendPids);
    const ceilingProbe = new CpuProbe(ceiling.pid, async () => []);

    const C = options.connections;
    const section = (title: string) => log(`\n${title}`);

    section('ceiling and auth.me');
    for (const c of C) {
      bench.record({ key: 'ceiling', scenario: 'ceiling (bare node:http)', connections: c, ...fromLoad(await bench.measure({ url: ceiling.url, connections: c, path: '/' }, ceilingProbe)) });
      if (bench.wants('me') || bench.wants('floor')) {
        const result = await bench.measure({ url: floor.url, connections: c, path: '/trpc/me' }, new CpuProbe(floor.pid, async () => []));
        bench.record({ key: 'floor', scenario: 'floor: Express + tRPC adapter, a constant query', connections: c, ...fromLoad(result) });
      }
      if (bench.wants('me') || bench.wants('healthz')) {
        // The Express stack alone (helmet, request ids, JSON): the floor under every procedure.
        const result = await bench.measure({ url: api.url, connections: c, path: '/healthz' }, apiProbe);
        bench.record({ key: 'healthz', scenario: 'GET /healthz (Express only: no tRPC, no database)', connections: c, ...fromLoad(result) });
      }
      if (bench.wants('me') || bench.wants('storm')) {
        bench.record({ key: 'me', scenario: 'auth.me', connections: c, ...fromLoad(await bench.measure({ url: api.url, connections: c, path: '/trpc/auth.me', headers: bearer }, apiProbe)) });
      }
    }

    // people.list (and people.create) against one database and API per table size, so that every
    // variant is measured at 1k, 100k and 1M rows back to back: on a shared machine, minutes apart
    // would compare background load as much as table size.
    if (bench.wants('list') || bench.wants('create')) {
      const tiers: { size: number; api: ChildServer; bearer: Record<string, string>; probe: CpuProbe; cursor: string }[] = [];
      for (const size of options.sizes) {
        const tierDb = await createBenchDatabase(options.adminUrl);
        tierDbs.push(tierDb);
        const tierApi = await startApi(tierDb, jwtSecret, 'warn', options.profile, `api-warn-${size}`);
        children.push(tierApi);
        const grown = await growPeople(tierDb, size);
        log(`${tierDb.name}: ${grown.rows.toLocaleString('en-US')} people seeded in ${grown.seconds.toFixed(1)} s, API at ${tierApi.url}`);
        const { sessions } = await signUpUsers(tierApi.url, 1, `${runId}-${size}`);
        tiers.push({
          size,
          api: tierApi,
          bearer: { authorization: `Bearer ${sessions[0]?.accessToken ?? ''}` },
          probe: new CpuProbe(tierApi.pid, tierDb.backendPids),
          cursor: await deepCursor(tierDb),
        });
      }

      if (bench.wants('list')) {
        const listPath = (input: object) => `/trpc/people.list?input=${encodeURIComponent(JSON.stringify(input))}`;
        const variants = [
          { key: 'list.first', scenario: 'people.list first page', input: () => ({ limit: 20 }) },
          { key: 'list.deep', scenario: 'people.list deep cursor page', input: (cursor: string) => ({ limit: 20, cursor }) },
          { key: 'list.search', scenario: `people.list search "${SEARCH_TERM}"`, input: () => ({ limit: 20, search: SEARCH_TERM }) },
        ];
        // Fresh processes: let each one compile its hot paths on every variant before any is measured.
        for (const tier of tiers) {
          for (const variant of variants) {
            await runLoad({ url: tier.api.url, connections: 10, durationSec: options.warmupSec, path: listPath(variant.input(tier.cursor)), headers: tier.bearer });
          }
        }
        for (const variant of variants) {
          section(variant.scenario);
          for (const c of C) {
            for (const tier of tiers) {
              const path = listPath(variant.input(tier.cursor));
              const result = await bench.measure({ url: tier.api.url, connections: c, path, headers: tier.bearer }, tier.probe);
              bench.record({ key: variant.key, scenario: variant.scenario, connections: c, peopleRows: tier.size, ...fromLoad(result) });
            }
          }
        }
      }

      const largest = tiers.at(-1);
      if (bench.wants('create') && largest) {
        section(`people.create (into the ${largest.size.toLocaleString('en-US')}-row table)`);
        for (const c of C) {
          const result = await bench.measure(
            {
              url: largest.api.url,
              connections: c,
              method: 'POST',
              path: '/trpc/people.create',
              headers: { ...largest.bearer, 'content-type': 'application/json' },
              body: JSON.stringify({ firstName: 'Bench', lastName: 'Created' }),
            },
            largest.probe,
          );
          bench.record({ key: 'create', scenario: 'people.create', connections: c, peopleRows: largest.size, ...fromLoad(result) });
        }
      }
      // Idle servers still hold memory and connections: stop them before the next scenarios.
      for (const tier of tiers) await tier.api.stop();
    }

    if (bench.wants('refresh')) {
      section('auth.refresh (each connection rotates its own session)');
      // A fresh session per connection per run: a run stops with answers in flight, and a token
      // whose answer was lost must not be presented again after the grace window.
      const needed = 2 * C.reduce((a, b) => a + b, 0);
      const chains: SessionTokens[] = [...signupSessions];
      while (chains.length < needed) chains.push(...(await logIn(api.url, users.slice(0, needed - chains.length))));
      let next = 0;
      for (const c of C) {
        const spec: Omit<LoadSpec, 'durationSec'> = {
          url: api.url,
          connections: c,
          method: 'POST',
          path: '/trpc/auth.refresh',
          headers: { 'content-type': 'application/json' },
          setupClient: (client: autocannon.Client) => {
            const chain = chains[next++ % chains.length] as SessionTokens;
            client.setRequests([
              {
                method: 'POST',
                path: '/trpc/auth.refresh',
                headers: { 'content-type': 'application/json' },
                setupRequest: (request) => ({ ...request, body: JSON.stringify({ refreshToken: chain.refreshToken }) }),
                onResponse: (status, body) => {
                  if (status === 200) chain.refreshToken = (JSON.parse(body) as { result: { data: SessionTokens } }).result.data.refreshToken;
                },
              },
            ]);
          },
        };
        bench.record({ key: 'refresh', scenario: 'auth.refresh (chained)', connections: c, ...fromLoad(await bench.measure(spec, apiProbe)) });
      }
    }

    if (bench.wants('login') || bench.wants('storm')) {
      section(`auth.login at BCRYPT_COST=${BCRYPT_COST}`);
      bcrypt = measureBcryptCeiling(BCRYPT_COST);
      log(`  bcrypt: ${bcrypt.hashMs.toFixed(1)} ms per comparison → ceiling ${bcrypt.perSecond.toFixed(1)} logins/s on ${bcrypt.cores} cores`);
      const ceilingPerSec = bcrypt.perSecond;
      // The hashing threads take logins in order: one answered login means the queue is empty.
      const drainLogins = () => logIn(api.url, users.slice(0, 1));
      if (bench.wants('login')) {
        for (const [i, c] of C.entries()) {
          // The ceiling right before and right after each run, so both see its background load.
          const before = i === 0 ? bcrypt : measureBcryptCeiling(BCRYPT_COST);
          await drainLogins();
          const result = await bench.measure(loginSpec(api.url, users, c), apiProbe, drainLogins);
          await drainLogins();
          const after = measureBcryptCeiling(BCRYPT_COST);
          const adjacent = (before.perSecond + after.perSecond) / 2;
          const atPriority = await measureBcryptCeilingAtNiceness(BCRYPT_COST, DEFAULT_HASH_NICENESS);
          bench.record({
            key: 'login',
            scenario: 'auth.login',
            connections: c,
            ...fromLoad(result),
            ratio: result.rps / adjacent,
            ratioTo: 'bcrypt ceiling',
            ratioAtHashingPriority: result.rps / atPriority.perSecond,
            note:
              `bcrypt ceiling ${adjacent.toFixed(1)}/s (mean of ${before.perSecond.toFixed(1)} before and ${after.perSecond.toFixed(1)} after the run); ` +
              `timed at the hashing threads' niceness (${DEFAULT_HASH_NICENESS}) it is ${atPriority.perSecond.toFixed(1)}/s, and logins reach ${pct(result.rps / atPriority.perSecond)} of that.`,
          });
        }
      }
      if (bench.wants('storm')) {
        section('auth.me during a login storm');
        for (const c of C) {
          const meSpec = { url: api.url, connections: c, path: '/trpc/auth.me', headers: bearer };
          const storm = loginSpec(api.url, users, c);
          // The idle reference right before the storm, so a change in background load between
          // this and the auth.me row above cannot make the comparison.
          await drainLogins();
          const idle = bench.record({
            key: 'storm.idle',
            scenario: 'auth.me, idle (just before the storm)',
            connections: c,
            ...fromLoad(await bench.measure(meSpec, apiProbe)),
          });
          await Promise.all([runLoad({ ...meSpec, durationSec: options.warmupSec }), runLoad({ ...storm, durationSec: options.warmupSec })]);
          await drainLogins();
          const [me, logins] = await Promise.all([
            runLoad({ ...meSpec, durationSec: options.durationSec }),
            runLoad({ ...storm, durationSec: options.durationSec }),
          ]);
          bench.record({
            key: 'storm.me',
            scenario: 'auth.me during a login storm',
            connections: c,
            ...fromLoad(me),
            note:
              `${c} more connections logging in: ${logins.rps.toFixed(1)} logins/s (${pct(logins.rps / ceilingPerSec)} of the bcrypt ceiling, ` +
              `${logins.errors} errors); auth.me p99 ${(me.p99 / idle.p99).toFixed(2)}× its idle p99 just before.`,
          });
        }
      }
    }

    if (bench.wants('log')) {
      section('auth.me with request logging (LOG_LEVEL=info)');
      await api.stop();
      const verbose = await startApi(db, jwtSecret, 'info', options.profile);
      children.push(verbose);
      for (const c of C) {
        const result = await bench.measure({ url: verbose.url, connections: c, path: '/trpc/auth.me', headers: bearer }, new CpuProbe(verbose.pid, db.backendPids));
        bench.record({ key: 'me.info', scenario: 'auth.me, LOG_LEVEL=info (to a file)', connections: c, ...fromLoad(result) });
      }
    }
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
    node: process.version,
    postgres: db.serverVersion,
    server: { logLevel: 'warn', bcryptCost: BCRYPT_COST, env: serverEnv },
    note: options.note,
    bcrypt,
    rows: bench.rows,
    targets: evaluateTargets(bench.rows, options.sizes, web),
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
    report.targets = evaluateTargets(report.rows, sizes, report.web);
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
