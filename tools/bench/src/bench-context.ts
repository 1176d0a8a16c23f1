import { join, resolve } from 'node:path';
import type { Bench } from './bench';
import type { BenchDatabase } from './bench-database';
import type { BenchUser, SessionTokens } from './bench-users';
import type { CpuProbe } from './cpu-probe';
import { freePort, startChildServer, type ChildServer } from './processes';

export const root = resolve(import.meta.dirname, '../../..');
export const outDir = join(root, 'tmp/bench');
export const BCRYPT_COST = 10;

/**
 * Logins come ~35 a second, so the few seconds of warm-up that suit thousands of calls a second
 * are ~100 logins: V8 was still compiling the login path long after (docs/benchmarks.md). The
 * first login row warms up this long; the rows after it run on the same, warm, process.
 */
export const LOGIN_WARMUP_SEC = 30;

/**
 * Each login row is measured in this many parts, the bcrypt ceiling timed before each part and
 * after the last: this machine's speed drifts by several percent over tens of seconds, and a
 * ceiling timed only before and after a run can miss what the cores did during it. Each part
 * lasts half the usual measured time (so a row measures twice as long): a part starts with an
 * empty queue, and its first answers wait for a whole comparison.
 */
export const LOGIN_PARTS = 4;

/** Seconds of one part of a login row, for runs of `durationSec` (see LOGIN_PARTS). */
export const loginPartSec = (durationSec: number) => durationSec / 2;

/**
 * Each part of a login row first runs this long without counting: it starts from an empty
 * queue, so its first answers come a whole comparison after the start, and the hashing threads
 * finish in step for a while. Counted from the start, a 5 s part lost about one login in a
 * hundred and fifty to that; counted after it, the part measures the pace the server keeps.
 */
export const LOGIN_SETTLE_SEC = 1;

/** What every scenario works with: the API under test, its database, accounts, and cleanup lists. */
export interface BenchContext {
  bench: Bench;
  /** The node binary every server of the run uses (the API, the floor, the ceiling). */
  node: string;
  db: BenchDatabase;
  jwtSecret: string;
  api: ChildServer;
  apiProbe: CpuProbe;
  /** Accounts signed up through the API (one per connection of the largest run) and their first sessions. */
  users: BenchUser[];
  signupSessions: SessionTokens[];
  /** `Authorization` header of the first session. */
  bearer: Record<string, string>;
  runId: string;
  /** Started servers and created databases, stopped and dropped at the end (also on Ctrl-C). */
  children: ChildServer[];
  extraDbs: BenchDatabase[];
}

export const API_SCRIPT = join(root, 'dist/apps/api/main.mjs');

/** The built API on `db`, tuned for load: production mode, no rate limits, cheap-enough bcrypt. */
export async function startApi(
  { node, jwtSecret, bench }: Pick<BenchContext, 'node' | 'jwtSecret' | 'bench'>,
  db: BenchDatabase,
  logLevel: string,
  name = `api-${logLevel}`,
): Promise<ChildServer> {
  const port = await freePort();
  const profile = bench.options.profile;
  return startChildServer({
    node,
    script: API_SCRIPT,
    nodeFlags: ['--enable-source-maps', ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${join(outDir, 'profiles')}`] : [])],
    env: apiEnv(db, jwtSecret, logLevel, port),
    port,
    readyPath: '/readyz',
    logFile: join(outDir, `${name}.log`),
  });
}

/** The API's settings for a bench run. */
export function apiEnv(db: BenchDatabase, jwtSecret: string, logLevel: string, port: number): Record<string, string> {
  const unlimited = '999999999/1m';
  return {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'production',
    // Production must choose how mail leaves; the bench sends none.
    MAIL_TRANSPORT: 'log',
    DATABASE_URL: db.url,
    JWT_SECRET: jwtSecret,
    BCRYPT_COST: String(BCRYPT_COST),
    LOG_LEVEL: logLevel,
    // A full run outlasts the default 15 minutes; the token's lifetime costs nothing per request.
    ACCESS_TOKEN_TTL: '6h',
    HOST: '127.0.0.1',
    PORT: String(port),
    // Metrics on (as in production), on a port of their own.
    METRICS_PORT: '0',
    RATE_LIMIT_LOGIN_PER_IP: unlimited,
    RATE_LIMIT_LOGIN_PER_EMAIL: unlimited,
    RATE_LIMIT_LOGIN_PER_EMAIL_IP: unlimited,
    RATE_LIMIT_SIGNUP_PER_IP: unlimited,
    RATE_LIMIT_REFRESH_PER_IP: unlimited,
    RATE_LIMIT_WRITES_PER_USER: unlimited,
    ADMIN_EMAIL: '',
    ADMIN_PASSWORD: '',
  };
}
