import type { BearerAuthResult, Session } from '@app/contracts';
import { ApiProcess, createTestDatabase, TEST_JWT_SECRET, type TestDatabase, testDbKind, uniqueEmail } from '@app/server-testing';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The scale-out of docker-compose.yml's "scale" profile, run here without Docker: two API
 * processes on one PostgreSQL behind a round-robin reverse proxy that appends the client address
 * to X-Forwarded-For (as nginx's $proxy_add_x_forwarded_for does), with TRUST_PROXY=1. Clients
 * connect from distinct loopback addresses (127.0.0.2, 127.0.0.3), so "which client" is real.
 */
describe.runIf(testDbKind() === 'postgres')('two API processes behind a reverse proxy (TRUST_PROXY=1)', () => {
  let database: TestDatabase;
  let replicas: ApiProcess[];
  let proxy: Server;
  let proxyPort: number;
  const servedBy: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const options = {
      databaseUrl: database.url,
      jwtSecret: TEST_JWT_SECRET,
      env: { TRUST_PROXY: '1', RATE_LIMIT_LOGIN_PER_IP: '3/5m', RATE_LIMIT_LOGIN_PER_EMAIL: '100/5m' },
    };
    replicas = await Promise.all([ApiProcess.start(options), ApiProcess.start(options)]);
    let next = 0;
    proxy = createServer((req, res) => {
      const target = new URL((replicas[next++ % replicas.length] as ApiProcess).url);
      servedBy.push(target.port);
      const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': forwardedFor } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    await new Promise<void>((ready) => proxy.listen(0, '127.0.0.1', ready));
    proxyPort = (proxy.address() as AddressInfo).port;
  }, 120_000);

  afterAll(async () => {
    await new Promise((closed) => proxy?.close(closed));
    await Promise.all((replicas ?? []).map((api) => api.stop()));
    await database?.dispose();
  });

  /** A call through the proxy from the client address `from`. */
  function call<T>(from: string, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; data: T }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: '127.0.0.1',
          port: proxyPort,
          localAddress: from,
          method,
          path,
          headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, data: (JSON.parse(text) as { result?: { data: T } }).result?.data as T }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
  const failedLogin = (from: string, headers?: Record<string, string>) =>
    call(from, 'POST', '/trpc/auth.login', { email: uniqueEmail(), password: 'Wrong#Password1' }, headers);

  it('per-IP limits count the real client across both replicas; a forged X-Forwarded-For changes nothing', async () => {
    const attacker = '127.0.0.2';
    const bystander = '127.0.0.3';
    const before = servedBy.length;
    // Three failed logins spread over both replicas, each with a different made-up forwarded address.
    for (const forged of ['10.1.1.1', '10.2.2.2', '10.3.3.3']) expect((await failedLogin(attacker, { 'x-forwarded-for': forged })).status).toBe(401);
    expect(new Set(servedBy.slice(before)).size).toBe(2);
    // The fourth is refused on whichever replica takes it, whatever the client claims to be.
    expect((await failedLogin(attacker, { 'x-forwarded-for': '10.4.4.4' })).status).toBe(429);
    expect((await failedLogin(attacker)).status).toBe(429);
    // Another client behind the same proxy is not affected.
    expect((await failedLogin(bystander)).status).toBe(401);
  });

  it('sessions record the client address seen through the proxy', async () => {
    const client = '127.0.0.3';
    const signup = await call<BearerAuthResult>(client, 'POST', '/trpc/auth.signup', { email: uniqueEmail(), password: 'Vx7#behind-proxy' });
    expect(signup.status).toBe(200);
    const sessions = await call<Session[]>(client, 'GET', '/trpc/auth.sessions', undefined, {
      authorization: `Bearer ${signup.data.accessToken}`,
      'x-forwarded-for': '203.0.113.7',
    });
    expect(sessions.status).toBe(200);
    expect(sessions.data.map((session) => session.ip)).toEqual([client]);
  });
});
