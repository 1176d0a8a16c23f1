import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * vgdb names its pipes after USER and HOST (and the API reads HOST as its bind address), so the
 * server and callgrind_control must see the same values.
 */
const VGDB_ENV = { USER: 'bench', HOST: '127.0.0.1' };

/**
 * A Node server under valgrind's callgrind, which counts the instructions it executes: unlike
 * seconds, the count does not depend on what else the machine is doing. Counting starts off;
 * `count(work)` switches it on, runs a warm-up, zeroes, runs the measured work and reads the total.
 * @see https://valgrind.org/docs/manual/cl-manual.html
 */
export class CallgrindServer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly outDir: string,
    readonly url: string,
  ) {}

  static async start(options: { node: string; script: string; env: Record<string, string>; port: number; readyPath: string; outDir: string; logFile: string }): Promise<CallgrindServer> {
    rmSync(options.outDir, { recursive: true, force: true });
    mkdirSync(options.outDir, { recursive: true });
    mkdirSync(dirname(options.logFile), { recursive: true });
    const fd = openSync(options.logFile, 'w');
    const child = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        '--vgdb=yes',
        '--instr-atstart=no',
        '--smc-check=all-non-file',
        `--callgrind-out-file=${join(options.outDir, 'callgrind.%p.out')}`,
        options.node,
        // V8's memory reducer runs full collections when it sees little allocation per second.
        // Under valgrind every process runs ~50× slower, so it fired in the middle of the load
        // (a refresh counted 2.05M with it, 1.84M without); a loaded server never sees that.
        '--no-memory-reducer',
        options.script,
      ],
      { env: { ...options.env, ...VGDB_ENV, PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', fd, fd] },
    );
    closeSync(fd);
    const server = new CallgrindServer(child, options.outDir, `http://127.0.0.1:${options.port}`);
    // Start-up under valgrind takes a minute or more on a busy machine.
    const deadline = Date.now() + 600_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`callgrind server exited during start-up: see ${options.logFile}`);
      if (Date.now() > deadline) throw new Error(`callgrind server did not answer ${options.readyPath}: see ${options.logFile}`);
      try {
        if ((await fetch(`${server.url}${options.readyPath}`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    await server.control('--instr=on');
    return server;
  }

  /** Instructions the server executed for `measured`, after `warmUp` (whose count is discarded). */
  async count(warmUp: () => Promise<unknown>, measured: () => Promise<unknown>): Promise<number> {
    await warmUp();
    await this.control('--zero');
    await measured();
    const before = new Set(readdirSync(this.outDir));
    await this.control('--dump');
    const dump = readdirSync(this.outDir).find((file) => !before.has(file));
    if (!dump) throw new Error('callgrind wrote no dump');
    const totals = /^totals:\s+(\d+)/m.exec(readFileSync(join(this.outDir, dump), 'utf8'));
    if (!totals?.[1]) throw new Error(`no totals in ${dump}`);
    return Number(totals[1]);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(timer);
  }

  private async control(option: string): Promise<void> {
    await run('callgrind_control', [option, String(this.child.pid)], { env: { ...process.env, ...VGDB_ENV } });
  }
}

/** Whether valgrind is installed (Debian's package). */
export async function callgrindAvailable(): Promise<boolean> {
  try {
    await run('valgrind', ['--version']);
    return true;
  } catch {
    return false;
  }
}
