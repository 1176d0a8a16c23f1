import type { BcryptCeiling } from './bcrypt-ceiling';
import type { WebSize } from './web-size';

export interface ResultRow {
  /** Stable key for tooling, e.g. `list.first` */
  key: string;
  scenario: string;
  connections: number;
  /** People rows in the table, for people.* scenarios. */
  peopleRows?: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: Record<string, number>;
  /** rps / the ceiling's rps at the same connections (or / the bcrypt ceiling for logins). */
  ratio: number | null;
  ratioTo: 'ceiling' | 'bcrypt ceiling';
  /** rps / the Express + tRPC floor's rps at the same connections: what the project's own work leaves of the framework's. */
  vsFloor?: number | null;
  /** Logins only: req/s / a bcrypt ceiling timed at the server's hashing-thread priority. */
  ratioAtHashingPriority?: number;
  /** CPU time per 2xx answer, in µs: the server process (all threads) and its PostgreSQL backends. */
  cpuUsPerRequest?: { server: number; postgres: number };
  note?: string;
}

/** Instructions one request costs, counted by callgrind (independent of the machine's load). */
export interface InstructionRow {
  key: string;
  scenario: string;
  perRequest: number;
  /** The floor's instructions per request / this one's: the throughput share it allows when CPU-bound. */
  vsFloor: number | null;
  /** The same share of tRPC's Node adapter alone (no Express), which the API's endpoint runs on. */
  vsAdapter?: number | null;
}

export interface TargetResult {
  target: string;
  met: boolean | null;
  detail: string;
}

export interface BenchReport {
  generatedAt: string;
  command: string;
  quick: boolean;
  durationSec: number;
  warmupSec: number;
  /** How the `auth.login` rows were timed (absent in older results: like every other row). */
  login?: { firstWarmupSec: number; parts: number; partSec: number; settleSec: number };
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    os: string;
    /** Share of all cores busy with other work just before the bench started. */
    backgroundCpuBefore: number;
    /** The same, just after the bench stopped its servers (absent in older results). */
    backgroundCpuAfter?: number;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
    busy: boolean;
  };
  /** The Node.js the servers ran on (the API, the floor, the ceiling). */
  node: string;
  /** The Node.js that ran the bench itself and its load generator (absent in older results). */
  runnerNode?: string;
  postgres: string;
  server: { logLevel: string; bcryptCost: number; env: Record<string, string> };
  note?: string;
  bcrypt: BcryptCeiling | null;
  rows: ResultRow[];
  /** Present when the run counted instructions (`--instructions`). */
  instructions?: InstructionRow[];
  targets: TargetResult[];
  web: WebSize | null;
}

const kRows = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1_000 ? `${n / 1_000}k` : String(n));
const fmtMs = (ms: number) => (Number.isNaN(ms) ? '–' : ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));
const fmtRps = (rps: number) => (rps >= 100 ? Math.round(rps).toLocaleString('en-US') : rps.toFixed(1));
const pct = (ratio: number | null) => (ratio === null ? '–' : `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)}%`);
const fmtCpu = (row: ResultRow) =>
  row.cpuUsPerRequest ? `${Math.round(row.cpuUsPerRequest.server)} + ${Math.round(row.cpuUsPerRequest.postgres)}` : '–';
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

export function rowLabel(row: ResultRow): string {
  return row.peopleRows === undefined ? row.scenario : `${row.scenario}, ${kRows(row.peopleRows)} rows`;
}

export function markdownTable(rows: ResultRow[]): string {
  const lines = [
    '| scenario | conns | req/s | p50 ms | p99 ms | errors | vs ceiling | vs floor | CPU µs/req: server + PG |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const row of rows) {
    const ratio = row.ratioTo === 'ceiling' ? pct(row.ratio) : `${pct(row.ratio)} of bcrypt`;
    const vsFloor = row.ratioTo === 'ceiling' && row.key !== 'floor' ? pct(row.vsFloor ?? null) : '–';
    lines.push(
      `| ${rowLabel(row)} | ${row.connections} | ${fmtRps(row.rps)} | ${fmtMs(row.p50)} | ${fmtMs(row.p99)} | ${row.errors} | ${ratio} | ${vsFloor} | ${fmtCpu(row)} |`,
    );
  }
  return lines.join('\n');
}

function instructionsSection(rows: InstructionRow[] | undefined): string[] {
  if (!rows?.length) return [];
  return [
    '## Instructions per request',
    '',
    'Counted by callgrind in the server process (all threads) over 6,000 requests from 2 connections, after 3,000 to warm up, with V8\'s memory reducer off (valgrind\'s slowness would set it off mid-load): a count, not a time, so ' +
      'the machine\'s other work cannot change it. "vs floor" is the floor\'s count over the row\'s: the share of the floor\'s throughput the row allows when the CPU is the limit. ' +
      'The API\'s `/trpc` endpoint runs on tRPC\'s Node adapter without Express, so "vs tRPC adapter alone" is the same share of that stricter floor.',
    '',
    '| scenario | instructions / request | vs floor | vs tRPC adapter alone |',
    '|---|--:|--:|--:|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${Math.round(r.perRequest).toLocaleString('en-US')} | ${r.key === 'floor' ? '–' : pct(r.vsFloor)} | ${r.key.startsWith('floor') || r.vsAdapter == null ? '–' : pct(r.vsAdapter)} |`,
    ),
    '',
  ];
}

export function webLine(web: WebSize | null): string {
  if (!web) return 'web build not found (dist/apps/web/browser/index.html): run `npx nx run web:build` first';
  return `Angular initial JS: ${kb(web.raw)} raw, ${kb(web.gzip)} gzip (${web.files.length} files referenced by index.html)`;
}

export function markdownReport(report: BenchReport): string {
  const m = report.machine;
  const notes = report.rows.filter((r) => r.note).map((r) => `- ${rowLabel(r)} (${r.connections} conns): ${r.note}`);
  const targets = report.targets.map(
    (t) => `| ${t.target} | ${t.met === null ? 'not measured' : t.met ? '**met**' : '**not met**'} | ${t.detail || '–'} |`,
  );
  const share = (x: number) => `~${Math.round(x * 100)}%`;
  const other =
    `other work used ${share(m.backgroundCpuBefore)} of the CPU just before the run` +
    (m.backgroundCpuAfter === undefined ? '' : ` and ${share(m.backgroundCpuAfter)} just after it`) +
    ` (1-minute load average ${m.loadAverageBefore[0]?.toFixed(2)} before, ${m.loadAverageAfter[0]?.toFixed(2)} after, the latter counting the bench itself)`;
  const busy = m.busy
    ? `**Taken on a shared, busy machine**: ${other}. Where that work overlapped the run, req/s is lower and latencies noisier; ratios taken in the same run and CPU per request are the fairer reading.`
    : `The machine was otherwise idle: ${other}.`;
  return [
    '# Benchmarks',
    '',
    `Generated by \`${report.command}\` on ${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC` +
      (report.quick ? ' (**quick mode**: short runs, small tables)' : '') +
      '. Rerun it to reproduce (needs a local PostgreSQL; `DATABASE_URL` points at another server).',
    '',
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}`,
    `- Servers on Node ${report.node}${report.runnerNode && report.runnerNode !== report.node ? ` (the bench and its load generator on ${report.runnerNode})` : ''}, PostgreSQL ${report.postgres}`,
    `- Each row: ${report.warmupSec} s warm-up, then ${report.durationSec} s measured with autocannon (closed loop, keep-alive) from the same machine; ` +
      'the load generator, the API, PostgreSQL and the ceiling server share its cores.' +
      (report.login
        ? ` \`auth.login\` rows: the first warms up for ${report.login.firstWarmupSec} s (logins come ~35 a second), and each is measured in ${report.login.parts} parts of ${report.login.partSec} s, ` +
          `each counted after ${report.login.settleSec} s of logins from an empty queue, the bcrypt ceiling timed before each part and after the last.`
        : ''),
    `- API: \`node dist/apps/api/main.mjs\`, NODE_ENV=production, LOG_LEVEL=${report.server.logLevel} (request logging off; see the LOG_LEVEL=info rows), ` +
      `BCRYPT_COST=${report.server.bcryptCost}, rate limits lifted through RATE_LIMIT_* so they do not cap the numbers, ACCESS_TOKEN_TTL=6h so one token lasts the run; ` +
      `the database pool and the hashing threads are the server's defaults` +
      (Object.keys(report.server.env).length ? ` except ${Object.entries(report.server.env).map(([k, v]) => `${k}=${v}`).join(', ')}` : '') +
      '.',
    '- Ceiling: a bare `node:http` server answering the same JSON as `auth.me`; floor: Express and tRPC\'s Express adapter answering it as a constant query, with no middleware, auth or database (the targets\' reference); ' +
      'a second floor: tRPC\'s Node adapter alone answering it, which the API\'s `/trpc` endpoint runs on (API calls do not pass through Express). All measured in the same run, on the same Node. ' +
      (report.bcrypt
        ? `bcrypt ceiling: ${report.bcrypt.cores} cores / ${report.bcrypt.hashMs.toFixed(1)} ms per comparison at cost ${report.bcrypt.cost} = ${report.bcrypt.perSecond.toFixed(1)} logins/s.`
        : ''),
    `- ${busy}`,
    ...(report.note ? [`- Note: ${report.note}`] : []),
    '',
    markdownTable(report.rows),
    '',
    ...(notes.length ? ['Notes:', '', ...notes, ''] : []),
    ...instructionsSection(report.instructions),
    '## Targets',
    '',
    '| target | result | detail |',
    '|---|---|---|',
    ...targets,
    '',
    '## Web',
    '',
    webLine(report.web),
    ...(report.web ? ['', '| file | raw | gzip |', '|---|--:|--:|', ...report.web.files.map((f) => `| ${f.file} | ${kb(f.raw)} | ${kb(f.gzip)} |`)] : []),
    '',
    'Machine-readable results: `docs/benchmarks.json` (and `tmp/bench/results.json` after every run).',
    '',
  ].join('\n');
}

/** Checks the targets against the rows of this run. */
export function evaluateTargets(rows: ResultRow[], sizes: number[], web: WebSize | null, instructions: InstructionRow[] = []): TargetResult[] {
  const find = (key: string, connections: number, peopleRows?: number) =>
    rows.find((r) => r.key === key && r.connections === connections && (peopleRows === undefined || r.peopleRows === peopleRows));
  const connections = [...new Set(rows.map((r) => r.connections))].sort((a, b) => a - b);
  const targets: TargetResult[] = [];

  // What the project's own work leaves of the framework's floor (Express + tRPC's adapter).
  const vsFloor = (label: string, key: string, share: number, peopleRows?: number) => {
    const measured = connections.map((c) => find(key, c, peopleRows)).filter((r): r is ResultRow => r !== undefined && r.vsFloor != null);
    targets.push({
      target: `${label} ≥ ${pct(share)} of the Express + tRPC floor`,
      met: measured.length ? measured.every((r) => (r.vsFloor ?? 0) >= share) : null,
      detail: measured.map((r) => `${pct(r.vsFloor ?? null)} at ${r.connections} (${fmtRps(r.rps)} vs ${fmtRps(find('floor', r.connections)?.rps ?? 0)} req/s)`).join(', '),
    });
  };
  vsFloor('auth.me', 'me', 0.75);
  vsFloor('people.list (20 rows)', 'list.first', 0.5, sizes[0]);
  vsFloor('auth.refresh (chained)', 'refresh', 0.35);
  // The same shares in instructions per request, which a busy machine cannot skew.
  for (const [label, key, share] of [['auth.me', 'me', 0.75], ['people.list (20 rows)', 'list.first', 0.5], ['auth.refresh (chained)', 'refresh', 0.35]] as const) {
    const row = instructions.find((r) => r.key === key);
    if (!row) continue;
    targets.push({
      target: `${label} ≥ ${pct(share)} of the floor, in instructions per request`,
      met: (row.vsFloor ?? 0) >= share,
      detail: `${pct(row.vsFloor)} (${Math.round(row.perRequest).toLocaleString('en-US')} vs ${Math.round(instructions.find((r) => r.key === 'floor')?.perRequest ?? 0).toLocaleString('en-US')} instructions)`,
    });
  }

  const small = sizes[0];
  const large = sizes.at(-1);
  if (small !== undefined && large !== undefined) {
    const pairs = connections.map((c) => [c, find('list.first', c, small), find('list.first', c, large)] as const);
    const flat = pairs.filter(([, a, b]) => a && b);
    targets.push({
      target: `people.list first page: req/s at ${kRows(large)} rows within 20% of ${kRows(small)} rows`,
      met: flat.length ? flat.every(([, a, b]) => a && b && b.rps >= 0.8 * a.rps) : null,
      detail: flat
        .map(([c, a, b]) => {
          const cpu = (r: ResultRow | undefined) => (r?.cpuUsPerRequest ? r.cpuUsPerRequest.server + r.cpuUsPerRequest.postgres : NaN);
          const cpuNote = Number.isNaN(cpu(a) + cpu(b)) ? '' : `; CPU per request ${Math.round(cpu(b))} vs ${Math.round(cpu(a))} µs`;
          return `${c} conns: ${fmtRps(b?.rps ?? 0)} vs ${fmtRps(a?.rps ?? 0)} req/s (${pct((b?.rps ?? 0) / (a?.rps ?? 1))})${cpuNote}`;
        })
        .join('; '),
    });
    const tens = sizes.map((s) => find('list.first', 10, s)).filter((r) => r !== undefined);
    targets.push({
      target: 'people.list first page p99 < 20 ms at 10 connections',
      met: tens.length ? tens.every((r) => r.p99 < 20) : null,
      detail: tens.map((r) => `${fmtMs(r.p99)} ms at ${kRows(r.peopleRows ?? 0)}`).join(', '),
    });
  }

  const logins = connections.map((c) => find('login', c)).filter((r) => r !== undefined);
  targets.push({
    target: 'auth.login ≥ 90% of the bcrypt ceiling',
    met: logins.length ? logins.every((r) => (r.ratio ?? 0) >= 0.9) : null,
    detail: logins
      .map((r) => `${pct(r.ratio)} at ${r.connections}${r.ratioAtHashingPriority === undefined ? '' : ` (${pct(r.ratioAtHashingPriority)} of a ceiling timed at the hashing threads' priority)`}`)
      .join(', '),
  });

  const storms = connections
    .map((c) => [find('storm.me', c), find('storm.idle', c)] as const)
    .filter((pair): pair is readonly [ResultRow, ResultRow] => pair[0] !== undefined && pair[1] !== undefined);
  targets.push({
    target: 'auth.me p99 during the login storm ≤ 2× idle p99',
    met: storms.length ? storms.every(([s, idle]) => s.p99 <= 2 * idle.p99) : null,
    detail: storms.map(([s, idle]) => `${fmtMs(s.p99)} vs ${fmtMs(idle.p99)} ms (${(s.p99 / idle.p99).toFixed(2)}×) at ${s.connections}`).join(', '),
  });

  const wrongSecret = connections
    .map((c) => [find('refresh.wrong.gen3', c), find('refresh.wrong.gen20000', c)] as const)
    .filter((pair): pair is readonly [ResultRow, ResultRow] => pair[0] !== undefined && pair[1] !== undefined);
  targets.push({
    target: 'auth.refresh with a wrong secret: generation 20,000 within 20% of generation 3',
    met: wrongSecret.length ? wrongSecret.every(([young, old]) => old.rps >= 0.8 * young.rps) : null,
    detail: wrongSecret
      .map(([young, old]) => `${old.connections} conns: ${fmtRps(old.rps)} vs ${fmtRps(young.rps)} req/s (${pct(old.rps / young.rps)}), p50 ${fmtMs(old.p50)} vs ${fmtMs(young.p50)} ms`)
      .join('; '),
  });

  targets.push({
    target: 'Angular initial JS ≤ 100 KB gzip',
    // 100 kB read strictly (100,000 bytes, not 102,400).
    met: web ? web.gzip <= 100_000 : null,
    detail: web ? `${kb(web.gzip)} gzip (${(web.gzip / 1024).toFixed(1)} KiB), ${kb(web.raw)} raw` : 'web build not found',
  });
  return targets;
}

export { fmtCpu, fmtMs, fmtRps, pct };
