import { section } from '../bench';
import { type BenchContext, startApi } from '../bench-context';
import { CpuProbe } from '../cpu-probe';

/** auth.me with a line per request (LOG_LEVEL=info, to a file): what request logging costs. Runs last: it replaces the API. */
export async function measureLogging(ctx: BenchContext): Promise<void> {
  const { bench, db } = ctx;
  if (!bench.wants('log')) return;
  section('auth.me with request logging (LOG_LEVEL=info)');
  await ctx.api.stop();
  const verbose = await startApi(ctx, db, 'info');
  ctx.children.push(verbose);
  const probe = new CpuProbe(verbose.pid, db.backendPids);
  for (const c of bench.options.connections) {
    await bench.measureAndRecord('me.info', 'auth.me, LOG_LEVEL=info (to a file)', { url: verbose.url, connections: c, path: '/trpc/auth.me', headers: ctx.bearer }, probe);
  }
}
