import { log, section } from '../bench';
import { type BenchContext, startApi } from '../bench-context';
import { createBenchDatabase, deepCursor, growPeople, SEARCH_TERM } from '../bench-database';
import { signUpUsers } from '../bench-users';
import { CpuProbe } from '../cpu-probe';
import { runLoad } from '../load';
import type { ChildServer } from '../processes';

interface Tier {
  size: number;
  api: ChildServer;
  bearer: Record<string, string>;
  probe: CpuProbe;
  cursor: string;
}

const listPath = (input: object) => `/trpc/people.list?input=${encodeURIComponent(JSON.stringify(input))}`;

/**
 * people.list (first page, a deep cursor, a search) and people.create against one database and
 * API per table size, so that every variant is measured at each size back to back: on a shared
 * machine, minutes apart would compare background load as much as table size.
 */
export async function measurePeople(ctx: BenchContext): Promise<void> {
  const { bench } = ctx;
  if (!bench.wants('list') && !bench.wants('create')) return;
  const tiers: Tier[] = [];
  for (const size of bench.options.sizes) tiers.push(await startTier(ctx, size));
  if (bench.wants('list')) await measureList(ctx, tiers);
  const largest = tiers.at(-1);
  if (bench.wants('create') && largest) await measureCreate(ctx, largest);
  // Idle servers still hold memory and connections: stop them before the next scenarios.
  for (const tier of tiers) await tier.api.stop();
}

async function startTier(ctx: BenchContext, size: number): Promise<Tier> {
  const tierDb = await createBenchDatabase(ctx.bench.options.adminUrl);
  ctx.extraDbs.push(tierDb);
  const api = await startApi(ctx, tierDb, 'warn', `api-warn-${size}`);
  ctx.children.push(api);
  const grown = await growPeople(tierDb, size);
  log(`${tierDb.name}: ${grown.rows.toLocaleString('en-US')} people seeded in ${grown.seconds.toFixed(1)} s, API at ${api.url}`);
  const { sessions } = await signUpUsers(api.url, 1, `${ctx.runId}-${size}`);
  return {
    size,
    api,
    bearer: { authorization: `Bearer ${sessions[0]?.accessToken ?? ''}` },
    probe: new CpuProbe(api.pid, tierDb.backendPids),
    cursor: await deepCursor(tierDb),
  };
}

async function measureList(ctx: BenchContext, tiers: Tier[]): Promise<void> {
  const { bench } = ctx;
  const variants = [
    { key: 'list.first', scenario: 'people.list first page', input: () => ({ limit: 20 }) },
    { key: 'list.deep', scenario: 'people.list deep cursor page', input: (cursor: string) => ({ limit: 20, cursor }) },
    { key: 'list.search', scenario: `people.list search "${SEARCH_TERM}"`, input: () => ({ limit: 20, search: SEARCH_TERM }) },
  ];
  // Fresh processes: let each one compile its hot paths on every variant before any is measured.
  for (const tier of tiers) {
    for (const variant of variants) {
      await runLoad({ url: tier.api.url, connections: 10, durationSec: bench.options.warmupSec, path: listPath(variant.input(tier.cursor)), headers: tier.bearer });
    }
  }
  for (const variant of variants) {
    section(variant.scenario);
    for (const c of bench.options.connections) {
      for (const tier of tiers) {
        const spec = { url: tier.api.url, connections: c, path: listPath(variant.input(tier.cursor)), headers: tier.bearer };
        await bench.measureAndRecord(variant.key, variant.scenario, spec, tier.probe, { peopleRows: tier.size });
      }
    }
  }
}

async function measureCreate(ctx: BenchContext, tier: Tier): Promise<void> {
  section(`people.create (into the ${tier.size.toLocaleString('en-US')}-row table)`);
  for (const c of ctx.bench.options.connections) {
    const spec = {
      url: tier.api.url,
      connections: c,
      method: 'POST' as const,
      path: '/trpc/people.create',
      headers: { ...tier.bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ firstName: 'Bench', lastName: 'Created' }),
    };
    await ctx.bench.measureAndRecord('create', 'people.create', spec, tier.probe, { peopleRows: tier.size });
  }
}
