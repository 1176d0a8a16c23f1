import { join } from 'node:path';
import { log, section } from '../bench';
import { apiEnv, API_SCRIPT, type BenchContext, outDir, root } from '../bench-context';
import { createBenchDatabase, growPeople } from '../bench-database';
import { logIn, signUpUsers } from '../bench-users';
import { CallgrindServer, callgrindAvailable } from '../callgrind';
import { freePort } from '../processes';
import type { InstructionRow } from '../report';

/**
 * Requests counted per scenario, after WARM_UP to let the JIT settle (slow under valgrind). The
 * window is long enough to hold several major collections and to leave the optimising compiler
 * little to do: counted with 2,000 after 2,000 instead, one build's `auth.me` came out 28% dearer
 * (one major collection and most of the recompiling fell inside the short window).
 */
const WARM_UP = 3_000;
const MEASURED = 6_000;
/**
 * Two calls at once: under valgrind the server is ~50× slower, and a longer queue starves the
 * event loop into the database and heartbeat timeouts on a busy machine.
 */
const CONCURRENCY = 2;

/** `count` requests from `CONCURRENCY` workers, each sending its next request when the last is answered. */
async function drive(count: number, request: (worker: number) => Promise<Response>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = next++; i < count; i = next++) {
        const response = await request(worker);
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`request ${i} answered ${response.status}`);
      }
    }),
  );
}

/**
 * Instructions per request, counted by callgrind in the floor server and in the API: the machine's
 * other work cannot change them, so the ratios to the floor hold on a busy machine too. The API
 * runs with the same settings as in the load runs, on a database of its own with 1,000 people.
 */
export async function measureInstructions(ctx: BenchContext): Promise<InstructionRow[]> {
  if (!ctx.bench.options.instructions) return [];
  if (!(await callgrindAvailable())) {
    log('\nInstructions per request: skipped (valgrind is not installed: apt-get install -y valgrind)');
    return [];
  }
  section('Instructions per request (callgrind)');
  const rows: InstructionRow[] = [];
  const record = (key: string, scenario: string, total: number) => {
    const perRequest = total / MEASURED;
    const share = (floorKey: string) => {
      const floor = rows.find((r) => r.key === floorKey)?.perRequest;
      return floor ? floor / perRequest : null;
    };
    rows.push({ key, scenario, perRequest, vsFloor: share('floor'), vsAdapter: share('floor.node') });
    log(`  ${scenario.padEnd(48)} ${Math.round(perRequest).toLocaleString('en-US').padStart(10)} instructions/request`);
  };

  const meBody = await (await fetch(`${ctx.api.url}/trpc/auth.me`, { headers: ctx.bearer })).text();
  const floors = [
    ['floor', 'floor: Express + tRPC adapter, a constant query', 'trpc-floor-server.mjs'],
    ['floor.node', "tRPC's Node adapter alone (no Express), a constant query", 'trpc-node-floor-server.mjs'],
  ] as const;
  for (const [key, scenario, script] of floors) {
    const floorPort = await freePort();
    const floor = await CallgrindServer.start({
      node: ctx.node,
      script: join(root, 'tools/bench/src', script),
      env: { NODE_ENV: 'production', PORT: String(floorPort), CEILING_BODY: meBody },
      port: floorPort,
      readyPath: '/trpc/me',
      outDir: join(outDir, `callgrind/${key}`),
      logFile: join(outDir, `callgrind-${key}.log`),
    });
    try {
      const me = (count: number) => () => drive(count, () => fetch(`${floor.url}/trpc/me`));
      record(key, scenario, await floor.count(me(WARM_UP), me(MEASURED)));
    } finally {
      await floor.stop();
    }
  }

  const db = await createBenchDatabase(ctx.bench.options.adminUrl);
  ctx.extraDbs.push(db);
  const port = await freePort();
  const api = await CallgrindServer.start({
    node: ctx.node,
    script: API_SCRIPT,
    env: apiEnv(db, ctx.jwtSecret, 'warn', port),
    port,
    readyPath: '/readyz',
    outDir: join(outDir, 'callgrind/api'),
    logFile: join(outDir, 'callgrind-api.log'),
  });
  try {
    await growPeople(db, 1_000); // the API created the tables when it started
    const { users, sessions } = await signUpUsers(api.url, 1, `${ctx.runId}-ir`);
    const bearer = { authorization: `Bearer ${sessions[0]?.accessToken ?? ''}` };
    const get = (path: string) => (count: number) => () => drive(count, () => fetch(`${api.url}${path}`, { headers: bearer }));
    const me = get('/trpc/auth.me');
    record('me', 'auth.me', await api.count(me(WARM_UP), me(MEASURED)));
    const list = get(`/trpc/people.list?input=${encodeURIComponent(JSON.stringify({ limit: 20 }))}`);
    record('list.first', 'people.list first page (20 rows)', await api.count(list(WARM_UP), list(MEASURED)));

    // One session per worker, each presenting the token its last answer gave.
    const chains = (await logIn(api.url, Array.from({ length: CONCURRENCY }, () => users[0] as (typeof users)[0]))).map((s) => s.refreshToken);
    const refresh = (count: number) => () =>
      drive(count, async (chain) => {
        const response = await fetch(`${api.url}/trpc/auth.refresh`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: chains[chain] }),
        });
        const body = (await response.clone().json()) as { result?: { data: { refreshToken: string } } };
        if (body.result) chains[chain] = body.result.data.refreshToken;
        return response;
      });
    record('refresh', 'auth.refresh (chained)', await api.count(refresh(WARM_UP), refresh(MEASURED)));
  } finally {
    await api.stop();
  }
  return rows;
}
