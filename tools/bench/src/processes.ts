import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** Sources that end up in dist/apps/api/main.mjs. */
const API_SOURCES = ['apps/api/src', 'libs/server/trpc/src', 'libs/server/data-access/src', 'libs/shared/contracts/src'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.spec\.ts$/.test(path) ? 0 : stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Builds the API (`nx run api:build`) when its bundle is missing or older than any of its sources. */
export function ensureApiBuilt(root: string): 'up to date' | 'built' {
  const bundle = join(root, 'dist/apps/api/main.mjs');
  const sources = [...API_SOURCES.map((p) => join(root, p)), join(root, 'tsconfig.base.json'), join(root, 'package-lock.json')];
  const newestSource = Math.max(...sources.filter((p) => existsSync(p)).map(newestMtime));
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource) return 'up to date';
  const result = spawnSync(join(root, 'node_modules/.bin/nx'), ['run', 'api:build', '--output-style=stream', '--skip-nx-cache'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  if (result.status !== 0 || !existsSync(bundle)) throw new Error('npx nx run api:build failed; see the output above');
  return 'built';
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ChildServer {
  readonly url: string;
  readonly pid: number;
  readonly logFile: string;
  stop(): Promise<void>;
}

async function waitForUrl(url: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2_000) : '';
      throw new Error(`server exited during start-up (code ${child.exitCode}, signal ${child.signalCode}):\n${log}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not answer ${url} within ${timeoutMs} ms (log: ${logFile})`);
}

/**
 * Starts a Node server script as a child process (its output goes to `logFile`), waits until
 * `readyPath` answers 200, and returns how to stop it (SIGTERM, then SIGKILL).
 */
export async function startChildServer(options: {
  script: string;
  args?: string[];
  env: Record<string, string>;
  port: number;
  readyPath: string;
  logFile: string;
  nodeFlags?: string[];
}): Promise<ChildServer> {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const fd = openSync(options.logFile, 'w');
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), options.script, ...(options.args ?? [])], {
    env: options.env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const url = `http://127.0.0.1:${options.port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForUrl(`${url}${options.readyPath}`, child, options.logFile, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid ?? -1, logFile: options.logFile, stop };
}
