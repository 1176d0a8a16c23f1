import { existsSync, readFileSync } from 'node:fs';

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
