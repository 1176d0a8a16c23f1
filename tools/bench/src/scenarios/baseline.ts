import { join } from 'node:path';
import { section } from '../bench';
import { type BenchContext, outDir, root } from '../bench-context';
import { CpuProbe } from '../cpu-probe';
import { freePort, startChildServer } from '../processes';

/**
 * The yardsticks and the cheapest authenticated call, at every connection count: a bare node:http
 * server answering auth.me's body (the ceiling every ratio refers to), Express + tRPC's adapter
 * answering a constant (the framework floor), tRPC's Node adapter alone answering it (what the API's
 * endpoint runs on), Express alone (/healthz), and auth.me.
 */
export async function measureBaseline(ctx: BenchContext): Promise<void> {
  const { bench, api, apiProbe, bearer } = ctx;
  const meBody = await (await fetch(`${api.url}/trpc/auth.me`, { headers: bearer })).text();
  const ceiling = await startServer(ctx, 'ceiling-server.mjs', 'ceiling', '/', meBody);
  const floor = await startServer(ctx, 'trpc-floor-server.mjs', 'trpc-floor', '/trpc/me', meBody);
  const ceilingProbe = new CpuProbe(ceiling.pid, async () => []);
  const floorProbe = new CpuProbe(floor.pid, async () => []);
  const nodeFloor = await startServer(ctx, 'trpc-node-floor-server.mjs', 'trpc-node-floor', '/trpc/me', meBody);
  const nodeFloorProbe = new CpuProbe(nodeFloor.pid, async () => []);

  section('ceiling and auth.me');
  for (const c of bench.options.connections) {
    await bench.measureAndRecord('ceiling', 'ceiling (bare node:http)', { url: ceiling.url, connections: c, path: '/' }, ceilingProbe);
    if (bench.wants('me') || bench.wants('floor')) {
      await bench.measureAndRecord('floor', 'floor: Express + tRPC adapter, a constant query', { url: floor.url, connections: c, path: '/trpc/me' }, floorProbe);
      // What the API's /trpc endpoint runs on: tRPC's Node adapter, no Express.
      await bench.measureAndRecord('floor.node', "tRPC's Node adapter alone (no Express), a constant query", { url: nodeFloor.url, connections: c, path: '/trpc/me' }, nodeFloorProbe);
    }
    if (bench.wants('me') || bench.wants('healthz')) {
      // The Express stack alone (helmet, request ids, JSON): the floor under every procedure.
      await bench.measureAndRecord('healthz', 'GET /healthz (Express only: no tRPC, no database)', { url: api.url, connections: c, path: '/healthz' }, apiProbe);
    }
    if (bench.wants('me') || bench.wants('storm')) {
      await bench.measureAndRecord('me', 'auth.me', { url: api.url, connections: c, path: '/trpc/auth.me', headers: bearer }, apiProbe);
    }
  }
}

async function startServer(ctx: BenchContext, script: string, name: string, readyPath: string, body: string) {
  const port = await freePort();
  const server = await startChildServer({
    node: ctx.node,
    script: join(root, 'tools/bench/src', script),
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', PORT: String(port), CEILING_BODY: body },
    port,
    readyPath,
    logFile: join(outDir, `${name}.log`),
  });
  ctx.children.push(server);
  return server;
}
