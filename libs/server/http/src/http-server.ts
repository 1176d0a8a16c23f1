import type { AppServices } from '@app/server-core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestListener } from './create-http-app';
import { startPeriodicJobs } from './periodic-jobs';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /**
   * Stops accepting, lets in-flight requests finish (up to `graceMs`), including calls whose
   * client already hung up, then closes the database.
   */
  close(graceMs?: number): Promise<void>;
}

/** Listens with the app and starts the periodic jobs (see periodic-jobs.ts) and the mail outbox's sender. */
export async function startHttpServer(
  services: AppServices,
  options: { port: number; host?: string },
): Promise<RunningServer> {
  const server = createServer(createRequestListener(services));
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

  const jobs = startPeriodicJobs(services);
  services.mailWorker.start();

  const port = (server.address() as AddressInfo).port;
  const host = !options.host || options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        jobs.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            server.closeAllConnections();
            resolve();
          }, graceMs);
          timer.unref();
        });
        await closed;
        // A client that hung up leaves no connection to wait for, but its call may still be running
        // (in a transaction, say): it ends before the database closes, within the grace.
        await Promise.race([services.callsInFlight.settled(), graceOver]);
        clearTimeout(timer);
        // The mail being sent is finished and marked; the rest stays queued for the next start.
        await services.mailWorker.stop();
        // Auth events of the last requests may still be on their way to the database.
        await services.authEventRecorder.flush();
        await services.database.close();
      })();
      return closing;
    },
  };
}
