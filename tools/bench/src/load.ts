import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  connections: number;
  durationSec: number;
  /** Seconds before an unanswered request counts as an error (default 10). */
  timeoutSec?: number;
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Per-connection set-up: e.g. `client.setRequests([...])` with this connection's own state. */
  setupClient?: (client: autocannon.Client) => void;
  /** The status every answer should have, when it is not a 2xx (a refusal measured on purpose). */
  expectedStatus?: number;
  /**
   * Where latencies go: a run given the samples of earlier runs reports percentiles over all of
   * them (one row measured in parts). Default: this run's own.
   */
  samples?: Samples;
  /**
   * Seconds at the start whose expected answers are neither counted nor timed (a queue filling
   * up; errors still count): the run lasts `durationSec` and measures what comes after these.
   * Default 0.
   */
  settleSec?: number;
}

export interface LoadResult {
  /** Expected answers (2xx, or `expectedStatus`) per second. */
  rps: number;
  /** Latency percentiles of expected answers, in milliseconds (microsecond resolution). */
  p50: number;
  p99: number;
  /** Connection errors, timeouts and unexpected answers. */
  errors: number;
  /** Count per HTTP status (and `error` for connection errors/timeouts), over the whole run, its settling included. */
  statuses: Record<string, number>;
  ok: number;
  seconds: number;
}

/** Grows like an array of numbers but stores doubles compactly. */
export class Samples {
  private data = new Float64Array(1 << 16);
  private length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  percentiles(...ps: number[]): number[] {
    const sorted = this.data.subarray(0, this.length).slice().sort();
    return ps.map((p) => (sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0) : NaN));
  }
}

/**
 * Runs autocannon (closed loop: each connection sends its next request when the previous answer
 * arrives) and measures latencies itself: autocannon's own histogram keeps whole milliseconds only.
 */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const samples = spec.samples ?? new Samples();
  const statuses: Record<string, number> = {};
  const expected = (status: number) => (spec.expectedStatus === undefined ? status >= 200 && status < 300 : status === spec.expectedStatus);
  let ok = 0;
  const settleSec = spec.settleSec ?? 0;
  const countFrom = performance.now() + settleSec * 1000;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${spec.url}${spec.path}`,
        connections: spec.connections,
        duration: spec.durationSec,
        pipelining: 1,
        timeout: spec.timeoutSec ?? 10,
        method: spec.method ?? 'GET',
        headers: spec.headers,
        body: spec.body,
        setupClient: spec.setupClient,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const connectionErrors = result.errors;
        if (connectionErrors) statuses['error'] = connectionErrors;
        const [p50 = NaN, p99 = NaN] = samples.percentiles(50, 99);
        const seconds = (result.duration || spec.durationSec) - settleSec;
        const unexpected = Object.entries(statuses)
          .filter(([status]) => status !== 'error' && !expected(Number(status)))
          .reduce((sum, [, n]) => sum + n, 0);
        resolve({ rps: ok / seconds, p50, p99, errors: connectionErrors + unexpected, statuses, ok, seconds });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      // An unexpected answer counts whenever it comes; an expected one only once the run has settled.
      if (expected(statusCode) && performance.now() >= countFrom) {
        ok++;
        samples.push(responseTime);
      }
    });
  });
}
