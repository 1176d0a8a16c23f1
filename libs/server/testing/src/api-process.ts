import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sleep } from './fixtures';
import { PGLITE_SNAPSHOT_ENV } from './test-database';

/** The workspace root (this file is libs/server/testing/src/). */
const WORKSPACE_ROOT = resolve(import.meta.dirname, '../../../..');
const API_BUNDLE = join(WORKSPACE_ROOT, 'dist/apps/api/main.mjs');

let built = false;

/**
 * Builds the API bundle once per test worker (`nx run api:build`, cached by Nx when nothing
 * changed). A file lock keeps two test files (of any project) from writing the bundle at the same time.
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

/**
 * A data directory for a spawned server. On the embedded database, when the run has the migrated
 * PGlite snapshot (the PGlite pass's global setup), the directory already holds that database,
 * without a row, as `createTestDatabase` gives the PostgreSQL pass a migrated, empty database:
 * the server opens it as on any later start instead of running initdb and every migration, about
 * 10 s of CPU per server. The server's first-start behaviour (demo accounts on an empty database)
 * is unchanged. Without the snapshot, or without tar(1), the directory is empty and the server
 * creates the database itself.
 */
export function newDataDir({ embeddedDatabase = true } = {}): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'api-e2e-'));
  const snapshot = process.env[PGLITE_SNAPSHOT_ENV];
  if (embeddedDatabase && snapshot) {
    // The server keeps PGlite under DATA_DIR/pglite (see databaseLocation in server-config).
    const pgdata = join(dataDir, 'pglite');
    mkdirSync(pgdata);
    // The snapshot is a tar of the data directory whose members start with '/'; tar strips it.
    if (spawnSync('tar', ['-xf', snapshot, '-C', pgdata]).status !== 0) rmSync(pgdata, { recursive: true, force: true });
  }
  return dataDir;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `ApiProcess.start`: what differs from the defaults. */
export interface ApiProcessOptions {
  databaseUrl?: string;
  jwtSecret: string;
  /** Extra environment (e.g. REFRESH_REUSE_GRACE). */
  env?: Record<string, string>;
}

/**
 * The built server (`node dist/apps/api/main.mjs`) as its own process, configured only by its
 * environment. Everything it writes is kept for assertions.
 */
export class ApiProcess {
  stdout = '';
  stderr = '';
  /** stdout and stderr together, in the order they arrived. */
  private output = '';
  private exitInfo: ProcessExit | undefined;
  /** Resolves once the process has exited and its output is complete. */
  readonly exited: Promise<ProcessExit>;
  /** Set by `waitUntilListening`. */
  url = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly ownedDir: string | undefined,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.output += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.output += chunk;
    });
    this.exited = new Promise((resolveExit) => {
      child.on('close', (code, signal) => {
        this.exitInfo = { code, signal };
        resolveExit(this.exitInfo);
      });
    });
  }

  /**
   * Spawns the server with exactly `env` (plus PATH): nothing else of the test run's environment
   * leaks in. `ownedDir` is removed by `stop()`. `from` runs another copy of the bundle (e.g. the
   * image's layout from tools/scripts/assemble-runtime.mjs) in its own directory.
   */
  static spawn(env: Record<string, string>, ownedDir?: string, from?: { dir: string }): ApiProcess {
    if (!from) ensureApiBuilt();
    const child = spawn(process.execPath, ['--enable-source-maps', from ? join(from.dir, 'main.mjs') : API_BUNDLE], {
      cwd: from?.dir ?? WORKSPACE_ROOT,
      // METRICS_PORT=0 (an ephemeral port) unless asked: test servers run side by side.
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', METRICS_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ApiProcess(child, ownedDir);
  }

  /**
   * The server on 127.0.0.1 and an ephemeral port, with cheap bcrypt, warn-level logs and a data
   * directory of its own; resolves once it is listening (or, with `waitReady: false`, at once).
   */
  static async start(options: ApiProcessOptions, { waitReady = true, timeoutMs = 30_000 } = {}): Promise<ApiProcess> {
    ensureApiBuilt();
    const dataDir = newDataDir({ embeddedDatabase: !options.databaseUrl });
    const api = ApiProcess.spawn(
      {
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
      },
      dataDir,
    );
    if (waitReady) {
      try {
        await api.waitUntilListening(timeoutMs);
      } catch (error) {
        await api.stop();
        throw error;
      }
    }
    return api;
  }

  /** Waits for the "App ready at <url>" line and records the URL. */
  async waitUntilListening(timeoutMs = 30_000): Promise<void> {
    this.url = (await this.waitForMatch(/App ready at (http:\/\/127\.0\.0\.1:\d+)/, timeoutMs))[1] as string;
  }

  /** Waits until the output matches; returns the matching text. Fails at once if the process exits first. */
  async waitForLog(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return (await this.waitForMatch(pattern, timeoutMs))[0];
  }

  private async waitForMatch(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (this.exitInfo) throw new Error(`the API exited (${JSON.stringify(this.exitInfo)}) before printing ${pattern}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}:\n${this.output}`);
      await sleep(50);
    }
  }

  /** Everything the process wrote to stdout and stderr so far. */
  get log(): string {
    return this.output;
  }

  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /** The process id (to read its memory use, say). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The exit code, once it has exited. */
  get exitCode(): number | null | undefined {
    return this.exitInfo?.code;
  }

  /** SIGTERM (graceful), then SIGKILL if it has not exited after `graceMs`. Only this process. */
  async stop(graceMs = 5_000): Promise<ProcessExit> {
    if (this.alive) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.ownedDir) rmSync(this.ownedDir, { recursive: true, force: true });
    return this.exited;
  }
}
