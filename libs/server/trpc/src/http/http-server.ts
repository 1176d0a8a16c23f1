import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deleteDeadSessions } from '@app/server-data-access';
import type { AppServices } from '../services';
import { createHttpApp } from './create-http-app';

/** Ended sessions are kept this long (for the sessions audit trail), then deleted. */
const SESSION_RETENTION_MS = 7 * 24 * 3_600_000;

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes the database. */
  close(graceMs?: number): Promise<void>;
}

/** Listens with the app and starts the periodic clean-ups (expired rate-limit windows, dead sessions). */
export async function startHttpServer(
  services: AppServices,
  options: { port: number; host?: string },
): Promise<RunningServer> {
  const app = createHttpApp(services);
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });

  const every = (ms: number, what: string, task: () => Promise<unknown>) => {
    const timer = setInterval(() => {
      task().catch((error: unknown) => services.logger.warn({ err: error }, `${what} failed`));
    }, ms);
    timer.unref();
    return timer;
  };
  const sweepers = [
    every(60_000, 'rate-limit sweep', () => services.limiter.sweep()),
    // Forget sessions that ended (expired or revoked) more than a week ago.
    every(3_600_000, 'session clean-up', () => deleteDeadSessions(services.db, new Date(Date.now() - SESSION_RETENTION_MS))),
  ];

  const port = (server.address() as AddressInfo).port;
  const host = !options.host || options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        for (const timer of sweepers) clearInterval(timer);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        await closed;
        clearTimeout(timer);
        await services.database.close();
      })();
      return closing;
    },
  };
}
