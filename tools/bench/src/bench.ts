import { CpuProbe, type CpuUse } from './cpu-probe';
import { type LoadResult, type LoadSpec, runLoad } from './load';
import type { BenchOptions } from './options';
import { fmtCpu, fmtMs, fmtRps, pct, type ResultRow, rowLabel } from './report';

export const log = (line: string) => process.stdout.write(`${line}\n`);

/** A section heading in the bench's output. */
export const section = (title: string) => log(`\n${title}`);

/** A load spec without its duration: the bench decides warm-up and measured durations. */
export type RunSpec = Omit<LoadSpec, 'durationSec'>;

/** Measures runs and records them as rows, each as a ratio to the ceiling at its connection count. */
export class Bench {
  readonly rows: ResultRow[] = [];
  private readonly ceilingRps = new Map<number, number>();
  private readonly floorRps = new Map<number, number>();

  constructor(readonly options: BenchOptions) {}

  /** Whether `--only` selects the scenario `key` (all are selected without it). */
  wants(key: string): boolean {
    return !this.options.only || this.options.only.some((prefix) => key.startsWith(prefix));
  }

  /** Warm-up, then the measured run (with the CPU it cost when a probe is given). */
  async measure(spec: RunSpec, probe?: CpuProbe, drain?: () => Promise<unknown>): Promise<LoadResult & { cpu?: CpuUse }> {
    await runLoad({ ...spec, durationSec: this.options.warmupSec });
    // A run ends with requests in flight that the server still works through (a queue of
    // logins waiting for the hashing threads): let them finish before measuring.
    await drain?.();
    const stop = await probe?.start();
    const result = await runLoad({ ...spec, durationSec: this.options.durationSec });
    return { ...result, cpu: await stop?.() };
  }

  record(row: Omit<ResultRow, 'ratio' | 'ratioTo'> & { ratio?: number | null; ratioTo?: ResultRow['ratioTo'] }): ResultRow {
    const ceiling = this.ceilingRps.get(row.connections);
    const floor = this.floorRps.get(row.connections);
    const full: ResultRow = {
      ...row,
      ratio: row.ratio !== undefined ? row.ratio : ceiling ? row.rps / ceiling : null,
      ratioTo: row.ratioTo ?? 'ceiling',
      vsFloor: floor ? row.rps / floor : null,
    };
    if (full.key === 'ceiling') this.ceilingRps.set(full.connections, full.rps);
    if (full.key === 'floor') this.floorRps.set(full.connections, full.rps);
    this.rows.push(full);
    const errors = full.errors ? `  errors ${full.errors} ${JSON.stringify(full.statuses)}` : '';
    log(
      `  ${rowLabel(full).padEnd(48)} ${String(full.connections).padStart(3)} conns  ${fmtRps(full.rps).padStart(7)} req/s  ` +
        `p50 ${fmtMs(full.p50).padStart(5)}  p99 ${fmtMs(full.p99).padStart(5)} ms  ${full.ratioTo === 'ceiling' ? pct(full.ratio) : `${pct(full.ratio)} of bcrypt`}` +
        `  cpu µs/req ${fmtCpu(full)}${errors}`,
    );
    return full;
  }

  /** Measures `spec` and records it under `key` at its connection count. */
  async measureAndRecord(key: string, scenario: string, spec: RunSpec, probe?: CpuProbe, extra: Partial<ResultRow> = {}): Promise<ResultRow> {
    return this.record({ key, scenario, connections: spec.connections, ...fromLoad(await this.measure(spec, probe)), ...extra });
  }
}

/** A row's measured fields from a load result (CPU per request when a probe measured it). */
export function fromLoad(result: LoadResult & { cpu?: CpuUse }) {
  const perRequest = (ms: number) => (result.ok ? (ms * 1000) / result.ok : NaN);
  return {
    rps: result.rps,
    p50: result.p50,
    p99: result.p99,
    errors: result.errors,
    statuses: result.statuses,
    ...(result.cpu ? { cpuUsPerRequest: { server: perRequest(result.cpu.serverMs), postgres: perRequest(result.cpu.postgresMs) } } : {}),
  };
}
