import type autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
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

/**
 * auth.refresh with a wrong secret for a young session (generation 3) and an old one (20,000), back
 * to back so both see the same background load. A wrong secret never revokes, so the same guess is
 * sent over and over; every answer is a 401 by design. The guess uses the token format without a
 * generation: the server still reads the session row for it (a forged tag is refused earlier).
 */
export async function measureWrongRefreshSecret(ctx: BenchContext): Promise<void> {
  const { bench, api, apiProbe, db } = ctx;
  if (!bench.wants('refresh.wrong')) return;
  section('auth.refresh with a wrong secret: young session vs old session');
  const [young, old] = await logIn(api.url, ctx.users.slice(0, 2));
  const sessions = [
    { generation: 3, sessionId: sessionIdOf(young as SessionTokens) },
    { generation: 20_000, sessionId: sessionIdOf(old as SessionTokens) },
  ];
  // Aged by their rotation count: what the old chain walk was bounded by.
  for (const { generation, sessionId } of sessions) await db.query('update sessions set generation = $1 where id = $2', [generation, sessionId]);
  for (const c of bench.options.connections) {
    for (const { generation, sessionId } of sessions) {
      const spec: RunSpec = {
        url: api.url,
        connections: c,
        method: 'POST',
        path: '/trpc/auth.refresh',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: `${sessionId}.${randomBytes(32).toString('base64url')}` }),
        expectedStatus: 401,
      };
      await bench.measureAndRecord(`refresh.wrong.gen${generation}`, `auth.refresh, wrong secret, session at generation ${generation.toLocaleString('en-US')}`, spec, apiProbe);
    }
  }
}

const sessionIdOf = (session: SessionTokens) => session.refreshToken.split('.')[0] as string;
