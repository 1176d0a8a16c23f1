import { AppErrorCode, ErrorMessages } from '@app/contracts';
import compression from 'compression';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { AppServices } from '@app/server-core';
import { API_PREFIX, createApiEndpoint, isApiPath } from './api-endpoint';
import { sendTrpcError } from './request-guards';
import { requestLogging } from './request-logging';

/** Build output named with a content hash, e.g. `main-ABC123XY.js`: safe to cache for good. */
const HASHED_ASSET = /-[A-Z0-9]{8,}\.(?:js|css|woff2?)$/;

/** A path whose last segment has a file extension (`/main-OLD.js`, `/favicon.ico`): never an app route. */
const FILE_PATH = /\.[A-Za-z0-9]{1,10}$/;

/**
 * The whole HTTP surface, as one `node:http` request listener: request ids and logging, the
 * optional trace span, then `/trpc` to the API's endpoint (api-endpoint.ts) and everything else to
 * the Express app: `/healthz`, `/readyz` and (optionally) the built web app.
 */
export function createRequestListener(services: AppServices): RequestListener {
  const logging = requestLogging(services.logger);
  const api = createApiEndpoint(services, logging.logFor);
  const web = createWebApp(services, logging.logFor);
  const route = (req: IncomingMessage, res: ServerResponse) => (isApiPath(req.url ?? '/') ? api(req, res) : web(req, res));
  // Only when tracing is on: no per-request cost otherwise.
  const { tracing } = services.telemetry;
  const traced = tracing.enabled ? (req: IncomingMessage, res: ServerResponse) => tracing.httpRequest(req, res, () => route(req, res)) : route;
  return (req, res) => logging.step(req, res, () => traced(req, res));
}

/** Everything but the API: health, readiness and the web app, with helmet's page headers. */
function createWebApp(services: AppServices, logFor: (req: IncomingMessage) => Logger): Express {
  const { config, database } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('etag', false);

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          // Angular inserts component styles as <style> elements.
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'frame-ancestors': ["'none'"],
          // TLS is terminated in front of the app; upgrading would break plain-http development.
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    try {
      await database.ping(2_000);
      res.json({ status: 'ready', database: database.kind });
    } catch {
      res.status(503).json({ status: 'unavailable', message: ErrorMessages.dbUnavailable });
    }
  });

  if (config.webDir && existsSync(join(config.webDir, 'index.html'))) {
    // res.sendFile needs an absolute path; WEB_DIR defaults to a relative one.
    const webDir = resolve(config.webDir);
    // The app's files are compressed (API answers are small and skip this); content-hashed
    // bundles are cached for a year, everything else is revalidated.
    app.use(compression({ threshold: 1024 }));
    app.use(
      express.static(webDir, {
        index: false,
        setHeaders: (res, path) => {
          res.setHeader('Cache-Control', HASHED_ASSET.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      }),
    );
    // Client-side routes fall back to the app shell; unknown API paths and missing files never
    // do: an old bundle after a redeploy must be a 404, not HTML served as JavaScript with 200.
    app.get('/{*splat}', (req, res, next) => {
      if (req.path.toLowerCase().startsWith(API_PREFIX) || FILE_PATH.test(req.path)) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(join(webDir, 'index.html'));
    });
  }

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: { message: 'Not found' } });
  });

  // Last resort: log once, answer without detail.
  app.use((error: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    if (error.status === 413 || error.type === 'entity.too.large') {
      return sendTrpcError(res, { code: 'PAYLOAD_TOO_LARGE', appCode: AppErrorCode.PayloadTooLarge, message: 'Request body is too large' });
    }
    if (error.status === 400) {
      return sendTrpcError(res, { code: 'BAD_REQUEST', appCode: AppErrorCode.InvalidInput, message: 'Malformed request' });
    }
    logFor(req).error({ err: error }, 'request failed');
    if (!res.headersSent) sendTrpcError(res, { code: 'INTERNAL_SERVER_ERROR', appCode: AppErrorCode.Internal, message: ErrorMessages.internal });
  });

  return app;
}
