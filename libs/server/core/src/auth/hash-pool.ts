import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

/**
 * What each hashing thread runs: bcrypt's synchronous API on its own thread. On Linux the thread
 * first lowers its own scheduling priority: `/proc/thread-self` names this thread's task id, and
 * setpriority() on a task id affects that thread alone.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
try {
  const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
  if (tid > 0) require('node:os').setPriority(tid, workerData.niceness);
} catch {
  // Not Linux, or not allowed: hash at normal priority.
}
parentPort.on('message', (task) => {
  try {
    const value = task.op === 'hash' ? bcrypt.hashSync(task.password, task.arg) : bcrypt.compareSync(task.password, task.arg);
    parentPort.postMessage({ id: task.id, value });
  } catch (error) {
    parentPort.postMessage({ id: task.id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

/** The hashing threads' default niceness (see HashPoolOptions.niceness). */
export const DEFAULT_HASH_NICENESS = 5;

interface Task {
  id: number;
  op: 'hash' | 'compare';
  password: string;
  /** The cost for `hash`, the stored hash for `compare`. */
  arg: number | string;
  resolve(value: string | boolean): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
}

export interface HashPoolOptions {
  /** Hashing threads: one per core keeps every core busy under a login storm, and no more. */
  size?: number;
  /**
   * Scheduling niceness of the hashing threads (0–19; Linux). Above 0 the request thread
   * preempts hashing, so a login storm slows logins rather than every other request; idle cores
   * still go to hashing, so logins alone still use the whole machine. The default, 5, weighs a
   * hashing thread at a third of the request thread: at 10 (a tenth) a saturated API left logins
   * at ~0.5/s, a starvation of its own.
   */
  niceness?: number;
  /**
   * Whether the request thread is busy now; while it is, one hashing thread fewer runs (never
   * fewer than one), so a login storm beside other traffic leaves the request thread a core of
   * its own, and logins alone still hash on every core. Default: `eventLoopBusy()`.
   */
  requestThreadBusy?: () => boolean;
}

/**
 * Whether this thread's event loop was busy (running callbacks rather than waiting for I/O) for
 * more than `threshold` of the time since it was last asked, looked at no more often than every
 * `windowMs`. Under a login storm with other traffic the request thread is busy nearly all the
 * time; serving logins alone it is busy a small share of it (a few ms per login of ~60 ms of bcrypt).
 * @see https://nodejs.org/api/perf_hooks.html#performanceeventlooputilizationutilization1-utilization2
 */
export function eventLoopBusy(windowMs = 100, threshold = 0.8): () => boolean {
  let last = performance.eventLoopUtilization();
  let lastAt = performance.now();
  let busy = false;
  return () => {
    const now = performance.now();
    if (now - lastAt >= windowMs) {
      const current = performance.eventLoopUtilization();
      busy = performance.eventLoopUtilization(current, last).utilization > threshold;
      last = current;
      lastAt = now;
    }
    return busy;
  };
}

/**
 * bcrypt on dedicated worker threads: off the event loop, one per core, at a lower priority than
 * request handling. libuv's pool cannot do this: its size is fixed when the process starts (an ESM
 * entry point has already started it before its first line runs), it is shared with file and DNS
 * work, and its threads cannot be told apart to lower their priority.
 * @see https://nodejs.org/api/worker_threads.html
 */
export class HashPool {
  readonly size: number;
  private readonly niceness: number;
  private readonly requestThreadBusy: () => boolean;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: HashPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
    this.niceness = Math.min(19, Math.max(0, Math.floor(options.niceness ?? DEFAULT_HASH_NICENESS)));
    this.requestThreadBusy = options.requestThreadBusy ?? eventLoopBusy();
  }

  hash(password: string, cost: number): Promise<string> {
    return this.run('hash', password, cost) as Promise<string>;
  }

  compare(password: string, hash: string): Promise<boolean> {
    return this.run('compare', password, hash) as Promise<boolean>;
  }

  /** Stops the threads; pending and later calls fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('hash pool closed'));
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private run(op: Task['op'], password: string, arg: number | string): Promise<string | boolean> {
    if (this.closed) return Promise.reject(new Error('hash pool closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, op, password, arg, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0 && this.busyThreads() < this.threadsAllowed()) {
      const slot = this.slots.find((s) => s.task === undefined) ?? this.spawn();
      const task = this.queue.shift() as Task;
      slot.task = task;
      // Referenced only while busy: an idle pool never keeps the process alive.
      slot.worker.ref();
      slot.worker.postMessage({ id: task.id, op: task.op, password: task.password, arg: task.arg });
    }
  }

  private busyThreads(): number {
    return this.slots.filter((slot) => slot.task !== undefined).length;
  }

  /**
   * All threads, or one fewer while the request thread is busy. Nothing waits forever: a thread
   * is always allowed, and each call that ends dispatches again.
   */
  private threadsAllowed(): number {
    return this.size > 1 && this.requestThreadBusy() ? this.size - 1 : this.size;
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { bcryptPath: bcryptPath(), niceness: this.niceness },
    });
    const slot: Slot = { worker, task: undefined };
    worker.unref();
    worker.on('message', (message: { id: number; value?: string | boolean; error?: string }) => {
      const task = slot.task;
      if (!task || task.id !== message.id) return;
      slot.task = undefined;
      worker.unref();
      if (message.error !== undefined) task.reject(new Error(message.error));
      else task.resolve(message.value as string | boolean);
      this.dispatch();
    });
    const fail = (error: Error) => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      slot.task?.reject(error);
      slot.task = undefined;
      if (!this.closed) this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`hashing thread exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }
}

let resolvedBcrypt: string | undefined;
function bcryptPath(): string {
  resolvedBcrypt ??= createRequire(import.meta.url).resolve('bcrypt');
  return resolvedBcrypt;
}

let shared: HashPool | undefined;

/** The process's hashing threads, started on first use. */
export function sharedHashPool(): HashPool {
  shared ??= new HashPool();
  return shared;
}
