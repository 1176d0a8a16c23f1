import type { AuthResult } from '@app/contracts';
import { ApiProcess, ensureApiBuilt, sleep } from '@app/server-testing';
import { DEMO_ADMIN, DEMO_USER } from '@app/server-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built server as it runs in production: `node dist/apps/api/main.mjs`, configured only by env.
const STRONG = 'Vx7#kQ9!mZ-process';
/** Starting (creating and seeding a database) and draining can be slow on a busy machine. */
const SLOW_MS = 90_000;

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

const spawned: ApiProcess[] = [];
const dirs: string[] = [];

/** The server with only this environment (and PATH, HOME): nothing from the test run's own environment leaks in. */
function spawnApi(env: Record<string, string>): ApiProcess {
  const api = ApiProcess.spawn({ HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'info', BCRYPT_COST: '4', ...env });
  spawned.push(api);
  return api;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'api-process-'));
  dirs.push(dir);
  return dir;
}

async function login(port: number, email: string, password: string) {
  const res = await fetch(`http://127.0.0.1:${port}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return { status: res.status, body: (await res.json()) as { result?: { data: AuthResult } } };
}

beforeAll(() => ensureApiBuilt(), 150_000);

afterAll(async () => {
  await Promise.all(spawned.map((api) => api.stop()));
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('the built server process', () => {
  it('a bad env value stops start-up with a message naming the variable', async () => {
    const api = spawnApi({ PORT: 'abc', ACCESS_TOKEN_TTL: 'soon', DATA_DIR: await tempDir() });
    expect((await api.exited).code).not.toBe(0);
    expect(api.stderr).toMatch(/^\s+PORT: /m);
    expect(api.stderr).toMatch(/^\s+ACCESS_TOKEN_TTL: .*soon/m);
    expect(api.stdout).not.toContain('App ready');
  });

  it('first start prints the URL and demo logins (ADMIN_EMAIL adds its admin beside them), the next does not; ADMIN_EMAIL creates an admin; SIGTERM drains', async () => {
    const dataDir = await tempDir();

    // First start on an empty data directory, with ADMIN_EMAIL: the demo accounts and that admin.
    const port = await freePort();
    const first = spawnApi({ DATA_DIR: dataDir, PORT: String(port), ADMIN_EMAIL: 'first@example.com', ADMIN_PASSWORD: STRONG });
    await first.waitForLog(/App ready at .*\n[\s\S]*?\n\n/, SLOW_MS);
    expect(first.stdout).toContain(`App ready at http://localhost:${port}`);
    expect(first.stdout).toContain('Demo logins');
    expect(first.stdout).toContain(`${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`);
    expect(first.stdout).toContain(`${DEMO_USER.email} / ${DEMO_USER.password}`);
    const demoAdmin = await login(port, DEMO_ADMIN.email, DEMO_ADMIN.password);
    expect(demoAdmin.body.result?.data.user.role).toBe('admin');
    const firstAdmin = await login(port, 'first@example.com', STRONG);
    expect(firstAdmin.body.result?.data.user.role).toBe('admin');
    expect((await first.stop(SLOW_MS)).code).toBe(0);

    // Second start on the same directory, creating a new admin.
    const port2 = await freePort();
    const second = spawnApi({ DATA_DIR: dataDir, PORT: String(port2), ADMIN_EMAIL: 'Boss@Example.com', ADMIN_PASSWORD: STRONG });
    await second.waitForLog(/App ready at .*\n/, SLOW_MS);
    expect(second.stdout).toContain(`App ready at http://localhost:${port2}`);
    expect(second.stdout).not.toContain('Demo logins');
    const boss = await login(port2, 'boss@example.com', STRONG);
    expect(boss.status).toBe(200);
    expect(boss.body.result?.data.user.role).toBe('admin');

    // SIGTERM while a request is in flight: it finishes, new connections are refused, exit 0.
    const body = JSON.stringify({ email: 'boss@example.com', password: STRONG });
    const half = Math.floor(body.length / 2);
    let resolveResponse: (value: { status: number; text: string }) => void = () => undefined;
    let rejectResponse: (error: Error) => void = () => undefined;
    const inFlight = new Promise<{ status: number; text: string }>((ok, fail) => {
      resolveResponse = ok;
      rejectResponse = fail;
    });
    const req = request(
      {
        host: '127.0.0.1',
        port: port2,
        method: 'POST',
        path: '/trpc/auth.login',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', (error) => rejectResponse(error));
    req.write(body.slice(0, half));
    // Give the server time to read the request head, so the request is in flight.
    await sleep(300);
    const exit = second.stop(SLOW_MS);
    await second.waitForLog(/shutting down/, SLOW_MS);

    const refused = await fetch(`http://127.0.0.1:${port2}/healthz`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(refused).toBe('refused');

    req.end(body.slice(half));
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect((JSON.parse(response.text) as { result: { data: AuthResult } }).result.data.user.email).toBe('boss@example.com');
    expect((await exit).code).toBe(0);
  }, 240_000);
});
