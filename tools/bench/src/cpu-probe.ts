import { existsSync, readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time (user + system, all threads) of a process in ms; undefined off Linux or once it is gone. */
function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

const canProbeCpu = existsSync('/proc/self/stat');

/** CPU used by a server process and by the PostgreSQL backends serving it, over one run. */
export interface CpuUse {
  serverMs: number;
  postgresMs: number;
}

/**
 * Snapshots CPU time of the server's pid and of the database's backends (their pids come from
 * `pg_stat_activity`), so each row can say what one request costs in CPU, a figure that a busy
 * machine distorts far less than req/s.
 */
export class CpuProbe {
  constructor(
    private readonly serverPid: number,
    private readonly backendPids: () => Promise<number[]>,
  ) {}

  async start(): Promise<() => Promise<CpuUse | undefined>> {
    if (!canProbeCpu) return async () => undefined;
    const server0 = cpuMs(this.serverPid);
    const backends0 = new Map((await this.backendPids()).map((pid) => [pid, cpuMs(pid) ?? 0]));
    return async () => {
      const server1 = cpuMs(this.serverPid);
      let postgresMs = 0;
      for (const pid of await this.backendPids()) postgresMs += (cpuMs(pid) ?? 0) - (backends0.get(pid) ?? 0);
      if (server0 === undefined || server1 === undefined) return undefined;
      return { serverMs: server1 - server0, postgresMs };
    };
  }
}

/** CPU time (user + system) of each thread of a process, in ms, with its niceness. */
function threadsOf(pid: number): Map<string, { niceness: number; ms: number }> {
  const threads = new Map<string, { niceness: number; ms: number }>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(tid, { niceness: Number(fields[16]), ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return threads;
}

/** All cores' busy and idle time so far, in ms (the first line of /proc/stat). */
function machineMs(): { busy: number; idle: number } {
  const ticks = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((sum, n) => sum + n, 0);
  return { busy: ((total - idle) * 1000) / TICKS_PER_SECOND, idle: (idle * 1000) / TICKS_PER_SECOND };
}

/** Where the whole machine's CPU went over a run, in ms. */
export interface MachineShares {
  /** The server's threads at `hashNiceness` (its hashing threads). */
  hashingMs: number;
  /** The server's other threads: the request thread, V8's helpers, libuv's pool. */
  serverOtherMs: number;
  postgresMs: number;
  /** This process: the load generator and the bench around it. */
  loadGeneratorMs: number;
  /** Everything else that ran: the kernel's own threads, other services on the machine. */
  restMs: number;
  /** Cores idle. */
  idleMs: number;
}

/**
 * Snapshots where the machine's CPU goes while one server is measured: its hashing threads (told
 * apart by their niceness), its other threads, its database backends, this process (the load
 * generator), and the rest of the machine. A bcrypt-bound run can then say what besides hashing
 * took the cores.
 */
export class MachineProbe {
  constructor(
    private readonly serverPid: number,
    private readonly backendPids: () => Promise<number[]>,
    private readonly hashNiceness: number,
  ) {}

  async start(): Promise<() => Promise<MachineShares | undefined>> {
    if (!canProbeCpu) return async () => undefined;
    const threads0 = threadsOf(this.serverPid);
    const backends0 = new Map((await this.backendPids()).map((pid) => [pid, cpuMs(pid) ?? 0]));
    const self0 = process.cpuUsage();
    const machine0 = machineMs();
    return async () => {
      const machine1 = machineMs();
      const self = process.cpuUsage(self0);
      let postgresMs = 0;
      for (const pid of await this.backendPids()) postgresMs += (cpuMs(pid) ?? 0) - (backends0.get(pid) ?? 0);
      let hashingMs = 0;
      let serverOtherMs = 0;
      for (const [tid, thread] of threadsOf(this.serverPid)) {
        const used = thread.ms - (threads0.get(tid)?.ms ?? 0);
        if (thread.niceness === this.hashNiceness) hashingMs += used;
        else serverOtherMs += used;
      }
      const loadGeneratorMs = (self.user + self.system) / 1000;
      const busyMs = machine1.busy - machine0.busy;
      return {
        hashingMs,
        serverOtherMs,
        postgresMs,
        loadGeneratorMs,
        restMs: Math.max(0, busyMs - hashingMs - serverOtherMs - postgresMs - loadGeneratorMs),
        idleMs: machine1.idle - machine0.idle,
      };
    };
  }
}
