import type { AuthResult } from '@app/contracts';
import { DEMO_ADMIN, DEMO_USER } from '@app/server-trpc';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built server as it runs in production: `node dist/apps/api/main.mjs`, configured only by env.
const root = resolve(import.meta.dirname, '../../..');
const entry = join(root, 'dist/apps/api/main.mjs');
const STRONG = 'Vx7#kQ9!mZ-process';

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

/** One spawned API process and everything it printed. */
class ApiProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [entry], {
      cwd: root,
      // Only what is given: nothing from the test run's own environment leaks in.
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LOG_LEVEL: 'info', BCRYPT_COST: '4', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolveExit) => this.child.once('exit', (code) => resolveExit(code)));
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  /** Resolves once stdout matches, rejects if the process exits first or time runs out. */
  async waitFor(pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    for (;;) {
      const match = this.stdout.match(pattern);
      if (match) return match;
      if (exitCode !== undefined) throw new Error(`exited with ${exitCode} before ${pattern}:\n${this.stdout}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${this.stdout}\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  terminate(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

const running = new Set<ApiProcess>();
const dirs: string[] = [];

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

beforeAll(() => {
  execFileSync('npx', ['nx', 'run', 'api:build'], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    stdio: 'pipe',
    timeout: 120_000,
  });
}, 150_000);

afterAll(async () => {
  for (const api of running) api.kill();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('the built server process', () => {
  it('a bad env value stops start-up with a message naming the variable', async () => {
    const api = new ApiProcess({ PORT: 'abc', ACCESS_TOKEN_TTL: 'soon', DATA_DIR: await tempDir() });
    expect(await api.exited).not.toBe(0);
    expect(api.stderr).toMatch(/^\s+PORT: /m);
    expect(api.stderr).toMatch(/^\s+ACCESS_TOKEN_TTL: .*soon/m);
    expect(api.stdout).not.toContain('App ready');
  });

  it('first start prints the URL and demo logins (ADMIN_EMAIL adds its admin beside them), the next does not; ADMIN_EMAIL creates an admin; SIGTERM drains', async () => {
    const dataDir = await tempDir();

    // First start on an empty data directory, with ADMIN_EMAIL: the demo accounts and that admin.
    const port = await freePort();
    const first = new ApiProcess({ DATA_DIR: dataDir, PORT: String(port), ADMIN_EMAIL: 'first@example.com', ADMIN_PASSWORD: STRONG });
    await first.waitFor(/App ready at .*\n[\s\S]*?\n\n/);
    expect(first.stdout).toContain(`App ready at http://localhost:${port}`);
    expect(first.stdout).toContain('Demo logins');
    expect(first.stdout).toContain(`${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`);
    expect(first.stdout).toContain(`${DEMO_USER.email} / ${DEMO_USER.password}`);
    const demoAdmin = await login(port, DEMO_ADMIN.email, DEMO_ADMIN.password);
    expect(demoAdmin.body.result?.data.user.role).toBe('admin');
    const firstAdmin = await login(port, 'first@example.com', STRONG);
    expect(firstAdmin.body.result?.data.user.role).toBe('admin');
    expect(await first.terminate()).toBe(0);

    // Second start on the same directory, creating a new admin.
    const port2 = await freePort();
    const second = new ApiProcess({ DATA_DIR: dataDir, PORT: String(port2), ADMIN_EMAIL: 'Boss@Example.com', ADMIN_PASSWORD: STRONG });
    await second.waitFor(/App ready at .*\n/);
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
    await new Promise((r) => setTimeout(r, 300));
    const exit = second.terminate();
    await second.waitFor(/shutting down/);

    const refused = await fetch(`http://127.0.0.1:${port2}/healthz`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(refused).toBe('refused');

    req.end(body.slice(half));
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect((JSON.parse(response.text) as { result: { data: AuthResult } }).result.data.user.email).toBe('boss@example.com');
    expect(await exit).toBe(0);
  }, 240_000);
});
