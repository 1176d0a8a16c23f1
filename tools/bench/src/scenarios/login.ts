import type autocannon from 'autocannon';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_HASH_NICENESS } from '@app/server-core';
import { fromLoad, type RunSpec, section } from '../bench';
import { type CpuProbe, type CpuUse, MachineProbe, type MachineShares } from '../cpu-probe';
import { measureBcryptCeiling, measureBcryptCeilingAtNiceness, type BcryptCeiling } from '../bcrypt-ceiling';
import { BCRYPT_COST, type BenchContext, LOGIN_PARTS, LOGIN_SETTLE_SEC, LOGIN_WARMUP_SEC, loginPartSec } from '../bench-context';
import { type BenchUser, logIn } from '../bench-users';
import { type LoadResult, runLoad, Samples } from '../load';
import { pct } from '../report';

/**
 * auth.login against the bcrypt ceiling (how many comparisons per second the cores can do), and
 * auth.me's latency while logins saturate the hashing threads. Returns the ceiling measured.
 */
export async function measureLogin(ctx: BenchContext): Promise<BcryptCeiling | null> {
  const { bench } = ctx;
  if (!bench.wants('login') && !bench.wants('storm')) return null;
  section(`auth.login at BCRYPT_COST=${BCRYPT_COST}`);
  const bcrypt = measureBcryptCeiling(BCRYPT_COST);
  process.stdout.write(`  bcrypt: ${bcrypt.hashMs.toFixed(1)} ms per comparison → ceiling ${bcrypt.perSecond.toFixed(1)} logins/s on ${bcrypt.cores} cores\n`);
  if (bench.wants('login')) await measureLogins(ctx);
  if (bench.wants('storm')) await measureStorm(ctx, bcrypt);
  return bcrypt;
}

/** A connection that logs in as its own user, over and over. */
function loginSpec(api: string, users: BenchUser[], connections: number): RunSpec {
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

/** The hashing threads take logins in order: one answered login means the queue is empty. */
const drainLogins = (ctx: BenchContext) => () => logIn(ctx.api.url, ctx.users.slice(0, 1));

async function measureLogins(ctx: BenchContext): Promise<void> {
  const { bench, api, users, apiProbe, db } = ctx;
  const { warmupSec, durationSec } = bench.options;
  const drain = drainLogins(ctx);
  const machineProbe = new MachineProbe(api.pid, db.backendPids, DEFAULT_HASH_NICENESS);
  for (const [i, c] of bench.options.connections.entries()) {
    const spec = loginSpec(api.url, users, c);
    await runLoad({ ...spec, durationSec: i === 0 ? Math.max(warmupSec, LOGIN_WARMUP_SEC) : warmupSec });
    await drain();
    const { result, ceilings, shares } = await measureInParts(spec, loginPartSec(durationSec), apiProbe, machineProbe, drain);
    const adjacent = ceilings.reduce((sum, ceiling) => sum + ceiling.perSecond, 0) / ceilings.length;
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
        `bcrypt ceiling ${adjacent.toFixed(1)}/s (mean of ${ceilings.map((ceiling) => ceiling.perSecond.toFixed(1)).join(', ')}, timed before each of the run's ${LOGIN_PARTS} parts of ${loginPartSec(durationSec)} s and after the last); ` +
        `timed at the hashing threads' niceness (${DEFAULT_HASH_NICENESS}) it is ${atPriority.perSecond.toFixed(1)}/s, and logins reach ${pct(result.rps / atPriority.perSecond)} of that.` +
        (shares ? ` ${sharesPerLogin(shares, result.ok)}` : ''),
    });
  }
}

/**
 * LOGIN_PARTS parts of `partSec` of logins, each after the queue has drained and the ceiling
 * has been timed on idle cores, and counted once the part has settled (LOGIN_SETTLE_SEC); the
 * answers, seconds and CPU of the parts added up.
 */
async function measureInParts(
  spec: RunSpec,
  partSec: number,
  probe: CpuProbe,
  machineProbe: MachineProbe,
  drain: () => Promise<unknown>,
): Promise<{ result: LoadResult & { cpu?: CpuUse }; ceilings: BcryptCeiling[]; shares?: MachineShares }> {
  const samples = new Samples();
  const ceilings: BcryptCeiling[] = [];
  const parts: LoadResult[] = [];
  let cpu: CpuUse | undefined = { serverMs: 0, postgresMs: 0 };
  let shares: MachineShares | undefined = { hashingMs: 0, serverOtherMs: 0, postgresMs: 0, loadGeneratorMs: 0, restMs: 0, idleMs: 0 };
  for (let part = 0; part < LOGIN_PARTS; part++) {
    ceilings.push(measureBcryptCeiling(BCRYPT_COST));
    const load = runLoad({ ...spec, durationSec: LOGIN_SETTLE_SEC + partSec, settleSec: LOGIN_SETTLE_SEC, samples });
    await sleep(LOGIN_SETTLE_SEC * 1000);
    const stop = await probe.start();
    const stopShares = await machineProbe.start();
    parts.push(await load);
    const partShares = await stopShares();
    const used = await stop();
    cpu = cpu && used ? { serverMs: cpu.serverMs + used.serverMs, postgresMs: cpu.postgresMs + used.postgresMs } : undefined;
    shares = shares && partShares ? addShares(shares, partShares) : undefined;
    await drain();
  }
  ceilings.push(measureBcryptCeiling(BCRYPT_COST));
  const last = parts[parts.length - 1] as LoadResult;
  const ok = parts.reduce((sum, part) => sum + part.ok, 0);
  const seconds = parts.reduce((sum, part) => sum + part.seconds, 0);
  const statuses: Record<string, number> = {};
  for (const part of parts) for (const [status, n] of Object.entries(part.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  const result = {
    rps: ok / seconds,
    // The samples hold every part's latencies, so the last part's percentiles are the row's.
    p50: last.p50,
    p99: last.p99,
    errors: parts.reduce((sum, part) => sum + part.errors, 0),
    statuses,
    ok,
    seconds,
    ...(cpu ? { cpu } : {}),
  };
  return { result, ceilings, ...(shares ? { shares } : {}) };
}

function addShares(a: MachineShares, b: MachineShares): MachineShares {
  return {
    hashingMs: a.hashingMs + b.hashingMs,
    serverOtherMs: a.serverOtherMs + b.serverOtherMs,
    postgresMs: a.postgresMs + b.postgresMs,
    loadGeneratorMs: a.loadGeneratorMs + b.loadGeneratorMs,
    restMs: a.restMs + b.restMs,
    idleMs: a.idleMs + b.idleMs,
  };
}

/** What each login cost the whole machine, and where besides hashing the cores went. */
function sharesPerLogin(shares: MachineShares, logins: number): string {
  const each = (ms: number) => (logins ? (ms / logins).toFixed(2) : 'n/a');
  const total = shares.hashingMs + shares.serverOtherMs + shares.postgresMs + shares.loadGeneratorMs + shares.restMs + shares.idleMs;
  return (
    `The machine's CPU per login, in ms: hashing threads ${each(shares.hashingMs)}, the server's other threads ${each(shares.serverOtherMs)}, ` +
    `PostgreSQL ${each(shares.postgresMs)}, the load generator ${each(shares.loadGeneratorMs)}, the rest of the machine ${each(shares.restMs)}, ` +
    `idle ${each(shares.idleMs)}; hashing threads ${pct(total ? shares.hashingMs / total : NaN)} of all of it.`
  );
}

async function measureStorm(ctx: BenchContext, bcrypt: BcryptCeiling): Promise<void> {
  const { bench, api, users, apiProbe, bearer } = ctx;
  const { warmupSec, durationSec } = bench.options;
  const drain = drainLogins(ctx);
  section('auth.me during a login storm');
  for (const c of bench.options.connections) {
    const meSpec = { url: api.url, connections: c, path: '/trpc/auth.me', headers: bearer };
    const storm = loginSpec(api.url, users, c);
    // The idle reference right before the storm, so a change in background load between
    // this and the auth.me row above cannot make the comparison.
    await drain();
    const idle = await bench.measureAndRecord('storm.idle', 'auth.me, idle (just before the storm)', meSpec, apiProbe);
    await Promise.all([runLoad({ ...meSpec, durationSec: warmupSec }), runLoad({ ...storm, durationSec: warmupSec })]);
    await drain();
    const [me, logins] = await Promise.all([runLoad({ ...meSpec, durationSec }), runLoad({ ...storm, durationSec })]);
    bench.record({
      key: 'storm.me',
      scenario: 'auth.me during a login storm',
      connections: c,
      ...fromLoad(me),
      note:
        `${c} more connections logging in: ${logins.rps.toFixed(1)} logins/s (${pct(logins.rps / bcrypt.perSecond)} of the bcrypt ceiling, ` +
        `${logins.errors} errors); auth.me p99 ${(me.p99 / idle.p99).toFixed(2)}× its idle p99 just before.`,
    });
  }
}
