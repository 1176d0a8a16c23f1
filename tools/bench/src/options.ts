import { parseArgs } from 'node:util';

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchOptions {
  /** Server URL used to create (and drop) the bench's own database; never queried otherwise. */
  adminUrl: string;
  durationSec: number;
  warmupSec: number;
  connections: number[];
  /** People table sizes, smallest first. */
  sizes: number[];
  quick: boolean;
  /** Write docs/benchmarks.{md,json} (always tmp/bench/results.{md,json}). */
  writeDocs: boolean;
  /** Free text for the report, e.g. "other builds were running". */
  note: string | undefined;
  /** Run only scenarios whose key starts with one of these (development aid). */
  only: string[] | undefined;
  /** Start the API with --cpu-prof (profiles under tmp/bench/profiles). */
  profile: boolean;
  /** Re-render the Markdown (and targets) from a results JSON instead of running. */
  render: string | undefined;
  /** Also count instructions per request under callgrind (slow: minutes). */
  instructions: boolean;
  /** The node binary the servers run on: the pinned LTS (.nvmrc) unless `--node` says otherwise. */
  node: string;
  /** The command line, for the report. */
  command: string;
}

const USAGE = `Usage: npm run bench -- [options]
  --duration <s>       seconds per measured run (default 10; 2 with --quick)
  --warmup <s>         seconds of warm-up before each run (default 3; 1 with --quick)
  --quick              short runs and smaller tables (1k, 10k, 100k people)
  --connections <list> comma-separated connection counts (default 10,50)
  --sizes <list>       comma-separated people table sizes (default 1000,100000,1000000)
  --only <list>        only scenarios starting with these keys (healthz, floor, me, list, create, refresh, refresh.wrong, login, storm, log; the ceiling always runs)
  --docs / --no-docs   write docs/benchmarks.md and .json (default: yes, except with --quick)
  --note <text>        a line for the report (e.g. what else was running)
  --profile            run the API with --cpu-prof (written to tmp/bench/profiles when it stops)
  --instructions       also count instructions per request under valgrind's callgrind (floor, auth.me,
                       people.list, auth.refresh): slow, but a busy machine cannot skew it
  --node <lts|current|path>  the Node.js the servers run on (default lts: the version in .nvmrc, fetched from
                       the npm registry by tools/scripts/lts-node.mjs; current: the one running the bench)
  --render <json>      no run: rewrite the Markdown and targets from a results JSON (e.g. docs/benchmarks.json)
Environment: DATABASE_URL (a PostgreSQL server URL; the bench creates and drops its own database there;
default ${DEFAULT_ADMIN_URL})`;

function positiveList(flag: string, value: string): number[] {
  const list = value.split(',').map((part) => Number(part.trim()));
  if (list.length === 0 || list.some((n) => !Number.isSafeInteger(n) || n < 1)) {
    throw new Error(`${flag} must be a comma-separated list of positive integers, got "${value}"`);
  }
  return list;
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number of seconds, got "${value}"`);
  return n;
}

export function parseOptions(argv: string[], env: Record<string, string | undefined>): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      quick: { type: 'boolean', default: false },
      connections: { type: 'string' },
      sizes: { type: 'string' },
      only: { type: 'string' },
      docs: { type: 'boolean' },
      'no-docs': { type: 'boolean' },
      note: { type: 'string' },
      profile: { type: 'boolean', default: false },
      render: { type: 'string' },
      node: { type: 'string', default: 'lts' },
      instructions: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const quick = values.quick === true;
  const adminUrl = env['DATABASE_URL']?.trim() || DEFAULT_ADMIN_URL;
  if (!/^postgres(ql)?:\/\//.test(adminUrl)) throw new Error('DATABASE_URL must be a postgres:// URL');
  const sizes = values.sizes
    ? positiveList('--sizes', values.sizes).sort((a, b) => a - b)
    : quick
      ? [1_000, 10_000, 100_000]
      : [1_000, 100_000, 1_000_000];
  return {
    adminUrl,
    durationSec: values.duration ? positiveNumber('--duration', values.duration) : quick ? 2 : 10,
    warmupSec: values.warmup ? positiveNumber('--warmup', values.warmup) : quick ? 1 : 3,
    connections: values.connections ? positiveList('--connections', values.connections) : [10, 50],
    sizes,
    quick,
    writeDocs: values['no-docs'] ? false : (values.docs ?? !quick),
    note: values.note,
    only: values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    profile: values.profile === true,
    render: values.render,
    node: values.node ?? 'lts',
    instructions: values.instructions === true,
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
  };
}

export { USAGE };
