import { readFileSync, statSync } from 'node:fs';

/** One request as the server logged it (pino-http: `req.url` without the query string). */
export interface LoggedRequest {
  readonly method: string;
  readonly url: string;
  readonly status: number;
}

/**
 * The server's own record of what it answered, read from its captured stdout. Tests mark a point,
 * act in the browser, then ask what the server saw after the mark.
 */
export class ServerLog {
  constructor(private readonly path: string) {}

  /** The current end of the log. */
  mark(): number {
    return statSync(this.path).size;
  }

  /** Requests completed after `mark`, optionally only those to `url` (e.g. `/trpc/session/auth.refresh`). */
  requestsSince(mark: number, url?: string): LoggedRequest[] {
    const text = readFileSync(this.path).subarray(mark).toString('utf8');
    const requests: LoggedRequest[] = [];
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      let entry: { req?: { method?: string; url?: string }; res?: { statusCode?: number } };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue; // a line still being written
      }
      if (!entry.req?.url || entry.res?.statusCode === undefined) continue;
      if (url !== undefined && entry.req.url !== url) continue;
      requests.push({ method: entry.req.method ?? '', url: entry.req.url, status: entry.res.statusCode });
    }
    return requests;
  }
}
