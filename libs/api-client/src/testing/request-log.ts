import { sessionIdOf, type TestServer } from '@app/server-testing';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One HTTP request as the server saw it. */
export interface LoggedRequest {
  method: string;
  /** The procedures of the request (several for a batch). */
  paths: string[];
  status: number | undefined;
  /** Whether it carried `Authorization`. */
  bearer: boolean;
}

/**
 * Records, on the server side, every tRPC request the test server receives: a listener on the
 * Node HTTP server itself, ahead of the app, so it sees exactly what went over the wire.
 */
export class RequestLog {
  readonly requests: LoggedRequest[] = [];
  private readonly listener = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://server');
    if (!url.pathname.startsWith('/trpc/')) return;
    const entry: LoggedRequest = {
      method: req.method ?? '',
      paths: decodeURIComponent(url.pathname.slice('/trpc/'.length)).split(','),
      status: undefined,
      bearer: req.headers.authorization !== undefined,
    };
    this.requests.push(entry);
    res.once('finish', () => {
      entry.status = res.statusCode;
    });
  };

  constructor(private readonly server: TestServer) {
    server.running.server.prependListener('request', this.listener);
  }

  /** How many times a procedure was called (each call of a batch counts). */
  calls(path: string): number {
    return this.requests.reduce((n, r) => n + r.paths.filter((p) => p === path).length, 0);
  }

  reset(): void {
    this.requests.length = 0;
  }

  stop(): void {
    this.server.running.server.off('request', this.listener);
  }
}

/** How many times the session's refresh token was rotated, read from its row. */
export async function sessionGeneration(server: TestServer, refreshToken: string): Promise<number> {
  const row = await server.services.db.selectFrom('sessions').select('generation').where('id', '=', sessionIdOf(refreshToken)).executeTakeFirstOrThrow();
  return row.generation;
}

/** Waits until the given instant has passed (plus a little, as JWT `exp` has one-second resolution). */
export async function waitUntilPast(isoInstant: string, extraMs = 100): Promise<void> {
  const wait = Date.parse(isoInstant) - Date.now() + extraMs;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
