import { AppErrorCode, type AuthCookieNames, ErrorMessages, REFRESH_COOKIE_CALLS } from '@app/contracts';
import { requestCredentials } from '@app/server-trpc';
import { TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { NextFunction, Request, Response } from 'express';

/**
 * Answers in tRPC's error shape, with tRPC's own JSON-RPC code and HTTP status for `code`, so every
 * client parses a guard's refusal exactly like a procedure's.
 */
export function sendTrpcError(res: Response, code: TRPC_ERROR_CODE_KEY, appCode: AppErrorCode, message: string): void {
  const httpStatus = getHTTPStatusCodeFromError(new TRPCError({ code }));
  res.status(httpStatus).json({
    error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus, appCode } },
  });
}

/** The server's own origin as the browser sees it (honours X-Forwarded-* only with TRUST_PROXY). */
function ownOrigin(req: Request): string | undefined {
  const host = req.get('host');
  return host ? `${req.protocol}://${host}` : undefined;
}

/**
 * CSRF defence for the tRPC endpoint.
 * - Only JSON bodies: an HTML form or `text/plain` beacon cannot reach a procedure.
 * - A request with a foreign `Origin` is refused.
 * - A mutation that a cookie would authenticate (the access cookie without an Authorization
 *   header, or the refresh cookie) must prove it is same-origin: an allowed `Origin`, or
 *   `Sec-Fetch-Site: same-origin`. It runs after cookie-parser and decides on the very values the
 *   context uses (`requestCredentials`). SameSite=Strict cookies already stop most cross-site
 *   requests; this also covers same-site sibling hosts and older browsers.
 * @see https://developer.mozilla.org/docs/Web/HTTP/Headers/Sec-Fetch-Site
 */
export function trpcRequestGuard(allowedOrigins: readonly string[], cookieNames: AuthCookieNames) {
  const allowed = new Set(allowedOrigins.map((o) => o.replace(/\/$/, '')));
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'OPTIONS' && req.method !== 'HEAD') {
      return sendTrpcError(res, 'METHOD_NOT_SUPPORTED', AppErrorCode.InvalidInput, `Method ${req.method} is not supported`);
    }
    const origin = req.get('origin');
    const originAllowed = origin !== undefined && (allowed.has(origin) || origin === ownOrigin(req));
    if (origin !== undefined && !originAllowed) {
      return sendTrpcError(res, 'FORBIDDEN', AppErrorCode.CrossSiteRequest, ErrorMessages.crossSite);
    }
    if (req.method !== 'POST') return next();

    const contentLength = req.get('content-length');
    const hasBody = contentLength !== undefined ? contentLength !== '0' : req.get('transfer-encoding') !== undefined;
    if (hasBody && !req.is('application/json')) {
      return sendTrpcError(res, 'UNSUPPORTED_MEDIA_TYPE', AppErrorCode.UnsupportedMediaType, 'Request body must be application/json');
    }

    // The credentials the context will authenticate with, read once (after cookie-parser).
    const sameOrigin = originAllowed || req.get('sec-fetch-site') === 'same-origin';
    if (requestCredentials(req, cookieNames).usesCookies && !sameOrigin) {
      return sendTrpcError(res, 'FORBIDDEN', AppErrorCode.CrossSiteRequest, ErrorMessages.crossSite);
    }
    next();
  };
}

/** The sub-path (under `/trpc`) the refresh cookie is scoped to: AUTH_COOKIES.refreshPath. */
const SESSION_SEGMENT = 'session';

/**
 * What may follow `/trpc/`: one procedure path (or a batch of them), or `session/` and one of the
 * calls that use the refresh cookie. tRPC itself would take the last segment of any deeper path
 * as the procedure, so without this the refresh cookie's path would reach every procedure.
 */
export function trpcPathGuard(req: Request, res: Response, next: NextFunction): void {
  const segments = req.path.split('/').slice(1);
  if (segments.length === 1) return next();
  const [first, call] = segments;
  if (segments.length === 2 && first === SESSION_SEGMENT && call !== undefined && REFRESH_COOKIE_CALLS.has(call)) return next();
  return sendTrpcError(res, 'NOT_FOUND', AppErrorCode.NotFound, `No procedure found on path "${segments.join('/')}"`);
}
