import type { ServerMetrics } from '@app/server-observability';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetricsServerOptions {
  port: number;
  /** 127.0.0.1 by default: only the host (or a sidecar) can scrape. */
  host: string;
  /** When set, scrapes must send `Authorization: Bearer <token>`. */
  token?: string;
}

export interface RunningMetricsServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time comparison of the presented bearer token (hashes first: equal lengths). */
function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1] !== undefined && timingSafeEqual(sha256(match[1]), sha256(token));
}

/**
 * `GET /metrics` in the Prometheus text format, on a listener of its own, apart from the public
 * API: the API's port never answers /metrics, and this one answers nothing else.
 */
export async function startMetricsServer(metrics: ServerMetrics, options: MetricsServerOptions): Promise<RunningMetricsServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Method not allowed\n');
    } else if (!authorized(req, options.token)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain' }).end('Unauthorized\n');
    } else {
      const { contentType, body } = await metrics.scrape();
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Metrics collection failed\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) =>
      reject(new Error(`the metrics listener cannot listen on ${options.host}:${options.port} (${error.message}): set METRICS_PORT to a free port, or off`));
    server.once('error', failed);
    server.listen(options.port, options.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
