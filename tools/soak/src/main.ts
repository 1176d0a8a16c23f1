// `npm run soak [-- --duration 60 --connections 50 --warmup 10]`: starts the built API (embedded
// PGlite in a fresh data directory, or DATABASE_URL when set), drives it with N keep-alive
// connections of mixed traffic (auth.me, people.list, people.create and a refresh every few seconds
// per client) for a bounded time, and reports errors, latency percentiles and the server's RSS at
// start, middle and end. Exits non-zero when any request failed. Traffic goes to 127.0.0.1 only.
import { ApiProcess } from '@app/server-testing';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const log = (line: string) => process.stdout.write(`${line}\n`);

interface Options {
  durationSec: number;
  connections: number;
  warmupSec: number;
  refreshEverySec: number;
  /** Share of non-refresh requests that are people.create (the rest: 45/35 me/list, scaled). */
  createPercent: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '60' },
      connections: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '10' },
      'refresh-every': { type: 'string', default: '3' },
      'create-percent': { type: 'string', default: '20' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    log('usage: npm run soak -- [--duration 60] [--connections 50] [--warmup 10] [--refresh-every 3] [--create-percent 20]');
    process.exit(0);
  }
  const num = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) {
      process.stderr.write(`--${name} must be a number from ${min} to ${max}\n`);
      process.exit(2);
    }
    return n;
  };
  const options = {
    durationSec: num('duration', values.duration, 5, 3_600),
    connections: num('connections', values.connections, 1, 500),
    warmupSec: num('warmup', values.warmup, 0, 600),
    refreshEverySec: num('refresh-every', values['refresh-every'], 1, 600),
    createPercent: num('create-percent', values['create-percent'], 0, 100),
  };
  if (options.warmupSec >= options.durationSec) {
    process.stderr.write('--warmup must be shorter than --duration\n');
    process.exit(2);
  }
  return options;
}

// ---- the server under test ----

/**
 * The built API in production mode. Every soak client has its own X-Forwarded-For address, as
 * behind a load balancer, so the per-IP rate limits (fixed defaults) see 50 clients rather than one.
 */
async function startServer(): Promise<{ api: ApiProcess; description: string }> {
  log('building and starting the API…');
  const api = await ApiProcess.start(
    {
      databaseUrl: process.env['DATABASE_URL'],
      jwtSecret: randomBytes(48).toString('base64url'),
      // Each client writes up to a few times a second for minutes: the per-user write limit is lifted
      // (its cost per write is still paid), so the soak measures the server, not the limit.
      // MAIL_TRANSPORT=log: production must choose how mail leaves; the soak sends none.
      env: { NODE_ENV: 'production', TRUST_PROXY: '1', RATE_LIMIT_WRITES_PER_USER: '999999999/1m', MAIL_TRANSPORT: 'log' },
    },
    { timeoutMs: 60_000 },
  );
  const ready = await api.waitForLog(/App ready at \S+\s+\(([^,]+)/);
  return { api, description: /\(([^,]+)/.exec(ready)?.[1] ?? 'unknown database' };
}

/** Resident set size of a process in MiB (Linux /proc). */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : Number.NaN;
}

// ---- clients ----

interface Answer {
  status: number;
  body: unknown;
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

type Op = 'me' | 'list' | 'create' | 'refresh';

class Client {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly ip: string;
  tokens: Tokens | undefined;
  lastRefresh = 0;

  constructor(
    private readonly base: URL,
    readonly index: number,
  ) {
    this.ip = `10.77.${Math.floor(index / 250)}.${(index % 250) + 1}`;
  }

  send(method: 'GET' | 'POST', path: string, input?: unknown): Promise<Answer> {
    const body = method === 'POST' && input !== undefined ? JSON.stringify(input) : undefined;
    const query = method === 'GET' && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : '';
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.tokens) headers['authorization'] = `Bearer ${this.tokens.accessToken}`;
    return new Promise((resolvePromise, reject) => {
      const req = request(
        { host: this.base.hostname, port: this.base.port, method, path: `/trpc/${path}${query}`, agent: this.agent, headers },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = text;
            }
            resolvePromise({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.setTimeout(30_000, () => req.destroy(new Error('timed out after 30 s')));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const resultOf = (answer: Answer): Record<string, unknown> =>
  ((answer.body as { result?: { data?: Record<string, unknown> } }).result?.data ?? {}) as Record<string, unknown>;

// ---- statistics ----

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const mib = (v: number) => `${v.toFixed(1)} MiB`;

async function main(): Promise<void> {
  const options = parseOptions();
  const server = await startServer();
  const pid = server.api.pid as number;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await server.api.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(130));
  process.on('SIGTERM', () => void shutdown(143));

  log(`server: ${server.api.url} (${server.description}), pid ${pid}; load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const base = new URL(server.api.url);
  const clients = Array.from({ length: options.connections }, (_, i) => new Client(base, i));
  const tag = randomBytes(3).toString('hex');
  const password = `Soak#${tag}9x`;
  for (const client of clients) {
    const answer = await client.send('POST', 'auth.signup', { email: `soak.${tag}.${client.index}@example.com`, password });
    if (answer.status !== 200) throw new Error(`signup of client ${client.index} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    client.tokens = resultOf(answer) as unknown as Tokens;
    client.lastRefresh = Date.now();
  }
  const rssIdle = rssMiB(pid);
  log(`${clients.length} clients signed up; server RSS idle ${mib(rssIdle)}; running ${options.durationSec} s (first ${options.warmupSec} s warm-up)…`);

  const latencies: Record<Op, number[]> = { me: [], list: [], create: [], refresh: [] };
  const errors: { op: Op; status: number; detail: string }[] = [];
  const rss: { t: number; mib: number }[] = [];
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const sampler = setInterval(() => rss.push({ t: elapsed(), mib: rssMiB(pid) }), 1_000);
  let counter = 0;
  // Reads split 45:35 between me and list; the rest are creates.
  const readShare = 100 - options.createPercent;

  const drive = async (client: Client) => {
    let rnd = client.index * 7919;
    while (elapsed() < options.durationSec) {
      rnd = (rnd * 1_103_515_245 + 12_345) % 2_147_483_648;
      const roll = rnd % 100;
      const op: Op =
        Date.now() - client.lastRefresh >= options.refreshEverySec * 1_000
          ? 'refresh'
          : roll < readShare * (45 / 80)
            ? 'me'
            : roll < readShare
              ? 'list'
              : 'create';
      const t0 = performance.now();
      let answer: Answer;
      try {
        if (op === 'me') answer = await client.send('GET', 'auth.me');
        else if (op === 'list') answer = await client.send('GET', 'people.list', roll % 2 ? { limit: 20, sort: 'newest' } : { limit: 20, search: 'so' });
        else if (op === 'create') answer = await client.send('POST', 'people.create', { firstName: 'Soak', lastName: `C${client.index}-${(counter += 1)}` });
        else {
          answer = await client.send('POST', 'auth.refresh', { refreshToken: client.tokens?.refreshToken });
          if (answer.status === 200) client.tokens = resultOf(answer) as unknown as Tokens;
          client.lastRefresh = Date.now();
        }
      } catch (error) {
        errors.push({ op, status: 0, detail: (error as Error).message });
        continue;
      }
      const took = performance.now() - t0;
      if (answer.status !== 200) errors.push({ op, status: answer.status, detail: JSON.stringify(answer.body).slice(0, 200) });
      else if (elapsed() >= options.warmupSec) latencies[op].push(took);
    }
  };
  await Promise.all(clients.map((c) => drive(c)));
  clearInterval(sampler);
  rss.push({ t: elapsed(), mib: rssMiB(pid) });
  for (const c of clients) c.close();
  const alive = server.api.alive;

  // ---- report ----
  const measured = options.durationSec - options.warmupSec;
  const all = Object.values(latencies).flat().sort((a, b) => a - b);
  const at = (t: number) => rss.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best), rss[0] as { t: number; mib: number });
  const rssStart = at(options.warmupSec);
  const rssMiddle = at(options.warmupSec + measured / 2);
  const rssEnd = rss[rss.length - 1] as { t: number; mib: number };
  const after = rss.filter((s) => s.t >= options.warmupSec).map((s) => ({ x: s.t / 60, y: s.mib }));
  const half = Math.floor(after.length / 2);
  const slopeAll = slope(after);
  const slopeFirst = slope(after.slice(0, half));
  const slopeSecond = slope(after.slice(half));

  log('');
  log(`soak: ${options.connections} connections, ${options.durationSec} s (${options.warmupSec} s warm-up), ${options.createPercent}% creates, ${server.description}`);
  log(`requests after warm-up: ${all.length} (${(all.length / measured).toFixed(0)} req/s): ${Object.entries(latencies).map(([op, l]) => `${op} ${l.length}`).join(', ')}`);
  log(`errors: ${errors.length}${errors.length ? ` ${JSON.stringify(errors.slice(0, 5))}` : ''}`);
  log(`latency after warm-up: p50 ${ms(percentile(all, 50))}, p90 ${ms(percentile(all, 90))}, p99 ${ms(percentile(all, 99))}, max ${ms(all.at(-1) ?? Number.NaN)}`);
  for (const [op, l] of Object.entries(latencies)) {
    const sorted = [...l].sort((a, b) => a - b);
    log(`  ${op.padEnd(8)} p50 ${ms(percentile(sorted, 50))}, p99 ${ms(percentile(sorted, 99))}`);
  }
  log(`server RSS: idle ${mib(rssIdle)}; start (t=${rssStart.t.toFixed(0)} s) ${mib(rssStart.mib)}, middle (t=${rssMiddle.t.toFixed(0)} s) ${mib(rssMiddle.mib)}, end (t=${rssEnd.t.toFixed(0)} s) ${mib(rssEnd.mib)}`);
  log(`RSS trend after warm-up: ${slopeAll.toFixed(2)} MiB/min overall (first half ${slopeFirst.toFixed(2)}, second half ${slopeSecond.toFixed(2)} MiB/min)`);
  const timeline = Array.from({ length: 11 }, (_, i) => at(options.warmupSec + (measured * i) / 10));
  log(`RSS timeline: ${timeline.map((s) => `${s.t.toFixed(0)}s ${s.mib.toFixed(0)}`).join(', ')} (MiB)`);
  log(`server still running: ${alive ? 'yes' : `no (exit ${server.api.exitCode})`}; load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const serverErrors = server.api.log.split('\n').filter((line) => /"level":(50|60)/.test(line));
  if (serverErrors.length) log(`server logged ${serverErrors.length} error line(s), first: ${serverErrors[0]?.slice(0, 300)}`);

  await server.api.stop();
  const ok = errors.length === 0 && alive && serverErrors.length === 0;
  log(ok ? 'result: clean' : 'result: FAILED');
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`soak failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
