import type autocannon from 'autocannon';
import { type RunSpec, section } from '../bench';
import type { BenchContext } from '../bench-context';
import { logIn, type SessionTokens } from '../bench-users';

/** auth.refresh where each connection rotates its own session, presenting each new token in turn. */
export async function measureRefresh(ctx: BenchContext): Promise<void> {
  const { bench, api, apiProbe } = ctx;
  if (!bench.wants('refresh')) return;
  section('auth.refresh (each connection rotates its own session)');
  const connections = bench.options.connections;
  // A fresh session per connection per run: a run stops with answers in flight, and a token
  // whose answer was lost must not be presented again after the grace window.
  const needed = 2 * connections.reduce((a, b) => a + b, 0);
  const chains: SessionTokens[] = [...ctx.signupSessions];
  while (chains.length < needed) chains.push(...(await logIn(api.url, ctx.users.slice(0, needed - chains.length))));
  let next = 0;
  for (const c of connections) {
    const spec: RunSpec = {
      url: api.url,
      connections: c,
      method: 'POST',
      path: '/trpc/auth.refresh',
      headers: { 'content-type': 'application/json' },
      setupClient: (client: autocannon.Client) => rotateOwnChain(client, chains[next++ % chains.length] as SessionTokens),
    };
    await bench.measureAndRecord('refresh', 'auth.refresh (chained)', spec, apiProbe);
  }
}

function rotateOwnChain(client: autocannon.Client, chain: SessionTokens): void {
  client.setRequests([
    {
      method: 'POST',
      path: '/trpc/auth.refresh',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ refreshToken: chain.refreshToken }) }),
      onResponse: (status, body) => {
        if (status === 200) chain.refreshToken = (JSON.parse(body) as { result: { data: SessionTokens } }).result.data.refreshToken;
      },
    },
  ]);
}
