import { authCookieNames } from '@app/contracts';
import type { AppServices } from '@app/server-core';
import { appRouter, createContextFactory } from '@app/server-trpc';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { clientAddress } from './client-address';
import { procedurePath, sendTrpcError, trpcRequestGuard } from './request-guards';

/** Where the API answers; everything else is the web app's (see create-http-app.ts). */
export const API_PREFIX = '/trpc';

/** A path at or under `/trpc` (exact, `/trpc/…` or `/trpc?…`). */
export function isApiPath(url: string): boolean {
  if (!url.startsWith(API_PREFIX)) return false;
  const next = url.charCodeAt(API_PREFIX.length);
  return Number.isNaN(next) || next === 0x2f /* / */ || next === 0x3f /* ? */;
}

/**
 * The headers of every API answer: JSON that is never rendered, so the short list OWASP's REST
 * security cheat sheet asks for, instead of the web app's full set (helmet's middlewares set
 * thirteen headers, most of them meaningful only for pages).
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

/** Largest tRPC batch accepted in one request. */
const MAX_BATCH_SIZE = 50;

/**
 * The tRPC endpoint on plain `node:http`: its security headers, the path and CSRF guards, then
 * tRPC's own Node adapter (`nodeHTTPRequestHandler`, which its Express adapter wraps). API calls do
 * not pass through Express: its request set-up, routing and page middlewares were about a sixth
 * of what an `auth.me` call cost (docs/benchmarks.md).
 * @see https://trpc.io/docs/server/adapters/standalone#adding-a-handler-to-a-custom-http-server
 */
export function createApiEndpoint(services: AppServices, logFor: (req: IncomingMessage) => Logger) {
  const { config } = services;
  const address = clientAddress(config.trustProxy);
  const guard = trpcRequestGuard(config.corsOrigins, authCookieNames(config.cookieSecure), address);
  const createContext = createContextFactory(services, address.ip);

  return (req: IncomingMessage, res: ServerResponse): void => {
    for (const [name, value] of API_RESPONSE_HEADERS) res.setHeader(name, value);
    const url = req.url ?? API_PREFIX;
    const query = url.indexOf('?');
    const path = procedurePath(url.slice(API_PREFIX.length, query === -1 ? undefined : query) || '/');
    if (typeof path !== 'string') return sendTrpcError(res, path);
    const refusal = guard(req);
    if (refusal) return sendTrpcError(res, refusal);
    // Never rejects: tRPC answers its own failures.
    void nodeHTTPRequestHandler({
      router: appRouter,
      createContext,
      req,
      res,
      path,
      maxBodySize: config.bodyLimitBytes,
      maxBatchSize: MAX_BATCH_SIZE,
      onError({ error, path: procedure }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') logFor(req).error({ err: error.cause ?? error, path: procedure }, 'procedure failed');
      },
    });
  };
}
