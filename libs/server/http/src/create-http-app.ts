import { AppErrorCode, authCookieNames, ErrorMessages } from '@app/contracts';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppServices } from '@app/server-core';
import { appRouter, createContextFactory } from '@app/server-trpc';
import { sendTrpcError, trpcPathGuard, trpcRequestGuard } from './request-guards';
import { requestLogging } from './request-logging';

/** Build output named with a content hash, e.g. `main-ABC123XY.js`: safe to cache for good. */
const HASHED_ASSET = /-[A-Z0-9]{8,}\.(?:js|css|woff2?)$/;

/** A path whose last segment has a file extension (`/main-OLD.js`, `/favicon.ico`): never an app route. */
const FILE_PATH = /\.[A-Za-z0-9]{1,10}$/;

/**
 * The headers of every API answer: JSON that is never rendered, so the short list OWASP's REST
 * security cheat sheet asks for, computed once, instead of the web app's full set (helmet's
 * middlewares run per request and set thirteen headers, most of them meaningful only for pages).
 * @see https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#security-headers
 */
const API_RESPONSE_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Cache-Control', 'no-store'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
];

function apiResponseHeaders(_req: Request, res: Response, next: NextFunction): void {
  for (const [name, value] of API_RESPONSE_HEADERS) res.setHeader(name, value);
  next();
}

/** Largest tRPC batch accepted in one request. */
const MAX_BATCH_SIZE = 50;

/**
 * The whole HTTP surface: `/trpc`, `/healthz`, `/readyz` and (optionally) the built web app.
 * @see https://trpc.io/docs/server/adapters/express
 */
export function createHttpApp(services: AppServices): Express {
  const { config, logger, database } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('etag', false);

  app.use(requestLogging(logger));
  // Only when tracing is on: no per-request cost otherwise.
  const { tracing } = services.telemetry;
  if (tracing.enabled) app.use((req, res, next) => tracing.httpRequest(req, res, next));

  // The API first: its answers get their own headers (below), not the web app's.
  app.use(
    '/trpc',
    apiResponseHeaders,
    trpcPathGuard,
    cookieParser(),
    trpcRequestGuard(config.corsOrigins, authCookieNames(config.cookieSecure)),
    createExpressMiddleware({
      router: appRouter,
      createContext: createContextFactory(services),
      maxBodySize: config.bodyLimitBytes,
      maxBatchSize: MAX_BATCH_SIZE,
      onError({ error, path, req }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          const log = (req as unknown as { log?: typeof logger }).log ?? logger;
          log.error({ err: error.cause ?? error, path }, 'procedure failed');
        }
      },
    }),
  );

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
      if (req.path.startsWith('/trpc') || FILE_PATH.test(req.path)) return next();
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
      return sendTrpcError(res, 'PAYLOAD_TOO_LARGE', AppErrorCode.PayloadTooLarge, 'Request body is too large');
    }
    if (error.status === 400) {
      return sendTrpcError(res, 'BAD_REQUEST', AppErrorCode.InvalidInput, 'Malformed request');
    }
    req.log?.error({ err: error }, 'request failed');
    if (!res.headersSent) sendTrpcError(res, 'INTERNAL_SERVER_ERROR', AppErrorCode.Internal, ErrorMessages.internal);
  });

  return app;
}
