import type autocannon from 'autocannon';
import { DEFAULT_HASH_NICENESS } from '@app/server-core';
import { fromLoad, type RunSpec, section } from '../bench';
import { measureBcryptCeiling, measureBcryptCeilingAtNiceness, type BcryptCeiling } from '../bcrypt-ceiling';
import { BCRYPT_COST, type BenchContext } from '../bench-context';
import { type BenchUser, logIn } from '../bench-users';
import { runLoad } from '../load';
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
  if (bench.wants('login')) await measureLogins(ctx, bcrypt);
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

async function measureLogins(ctx: BenchContext, first: BcryptCeiling): Promise<void> {
  const { bench, api, users, apiProbe } = ctx;
  const drain = drainLogins(ctx);
  for (const [i, c] of bench.options.connections.entries()) {
    // The ceiling right before and right after each run, so both see its background load.
    const before = i === 0 ? first : measureBcryptCeiling(BCRYPT_COST);
    await drain();
    const result = await bench.measure(loginSpec(api.url, users, c), apiProbe, drain);
    await drain();
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
