import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from './concurrency';

/** The workspace root (this file is apps/api-e2e/src/support/). */
export const WORKSPACE_ROOT = resolve(import.meta.dirname, '../../../..');
export const API_BUNDLE = join(WORKSPACE_ROOT, 'dist/apps/api/main.mjs');

let built = false;

/**
 * Builds the API bundle once per test worker (`nx run api:build`, cached by Nx when nothing
 * changed). A file lock keeps two test files from writing the bundle at the same time.
 */
export function ensureApiBuilt(): void {
  if (built) return;
  const nx = [join(WORKSPACE_ROOT, 'node_modules/.bin/nx'), 'run', 'api:build', '--output-style=static'];
  const options = {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    encoding: 'utf8' as const,
    timeout: 120_000,
  };
  let result = spawnSync('flock', ['/tmp/api-e2e-build.lock', ...nx], options);
  // Without flock(1) build unlocked: the worst case is two identical builds writing the same file.
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') result = spawnSync(nx[0] as string, nx.slice(1), options);
  if (result.status !== 0) throw new Error(`api build failed (${result.status}): ${result.stdout}\n${result.stderr}`);
  built = true;
}

export interface ApiProcessOptions {
  databaseUrl?: string;
  jwtSecret: string;
  /** Extra environment (e.g. REFRESH_REUSE_GRACE). */
  env?: Record<string, string>;
}

/**
 * The built server (`node dist/apps/api/main.mjs`) as its own process, on 127.0.0.1 and an
 * ephemeral port, with cheap bcrypt and warn-level logs. Its output is kept for assertions.
 */
export class ApiProcess {
  private output = '';
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;
  url = '';

  private constructor(
    readonly child: ChildProcess,
    private readonly dataDir: string,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.exited = new Promise((resolvePromise) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolvePromise();
      });
    });
  }

  /** Spawns the server; resolves once it is listening (or, with `waitReady: false`, at once). */
  static async start(options: ApiProcessOptions, { waitReady = true, timeoutMs = 30_000 } = {}): Promise<ApiProcess> {
    ensureApiBuilt();
    const dataDir = mkdtempSync(join(tmpdir(), 'api-e2e-'));
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      BCRYPT_COST: '4',
      JWT_SECRET: options.jwtSecret,
      DATA_DIR: dataDir,
      WEB_DIR: join(dataDir, 'no-web-app'),
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      ...options.env,
    };
    const child = spawn(process.execPath, ['--enable-source-maps', API_BUNDLE], { cwd: WORKSPACE_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const api = new ApiProcess(child, dataDir);
    if (waitReady) await api.waitUntilListening(timeoutMs);
    return api;
  }

  /** Waits for the "App ready at <url>" line and records the URL. */
  async waitUntilListening(timeoutMs = 30_000): Promise<void> {
    this.url = await waitFor(
      'the API to listen',
      async () => {
        if (this.exitInfo) throw new Error(`the API exited (${JSON.stringify(this.exitInfo)}): ${this.output}`);
        return /App ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(this.output)?.[1];
      },
      timeoutMs,
      50,
    );
  }

  /** Everything the process wrote to stdout and stderr so far. */
  get log(): string {
    return this.output;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  get exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exitInfo;
  }

  async waitForLog(pattern: RegExp, timeoutMs: number): Promise<string> {
    return waitFor(`log line ${pattern}`, async () => pattern.exec(this.output)?.[0], timeoutMs, 50);
  }

  /** SIGTERM (graceful), then SIGKILL if it has not exited after `graceMs`. Only this process. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.alive) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
