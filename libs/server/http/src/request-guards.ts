import { AppErrorCode, type AuthCookieNames, ErrorMessages, REFRESH_COOKIE_CALLS } from '@app/contracts';
import { requestCredentials } from '@app/server-trpc';
import { TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { IncomingMessage, ServerResponse } from 'node:http';
import typeIs from 'type-is';
import type { ClientAddress } from './client-address';

/** Why a request is refused before it reaches a procedure: tRPC's code, the stable app code and a message. */
export interface Refusal {
  readonly code: TRPC_ERROR_CODE_KEY;
  readonly appCode: AppErrorCode;
  readonly message: string;
}

/**
 * Answers in tRPC's error shape, with tRPC's own JSON-RPC code and HTTP status for `code`, so every
 * client parses a guard's refusal exactly like a procedure's.
 */
export function sendTrpcError(res: ServerResponse, { code, appCode, message }: Refusal): void {
  const httpStatus = getHTTPStatusCodeFromError(new TRPCError({ code }));
  const body = JSON.stringify({ error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus, appCode } } });
  res.statusCode = httpStatus;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** The sub-path (under `/trpc`) the refresh cookie is scoped to: AUTH_COOKIES.refreshPath. */
const SESSION_SEGMENT = 'session';

/**
 * The procedure (or comma-separated batch) a path under `/trpc` names: one segment, or `session/`
 * and one of the calls that use the refresh cookie. Anything deeper is refused, as tRPC itself would
 * take the last segment of any path as the procedure, and the refresh cookie's path would then
 * reach every procedure.
 */
export function procedurePath(subPath: string): string | Refusal {
  const segments = subPath.split('/').slice(1);
  const [first, call] = segments;
  if (segments.length === 1) return first ?? '';
  if (segments.length === 2 && first === SESSION_SEGMENT && call !== undefined && REFRESH_COOKIE_CALLS.has(call)) return call;
  return { code: 'NOT_FOUND', appCode: AppErrorCode.NotFound, message: `No procedure found on path "${segments.join('/')}"` };
}

const CROSS_SITE: Refusal = { code: 'FORBIDDEN', appCode: AppErrorCode.CrossSiteRequest, message: ErrorMessages.crossSite };
const NOT_JSON: Refusal = { code: 'UNSUPPORTED_MEDIA_TYPE', appCode: AppErrorCode.UnsupportedMediaType, message: 'Request body must be application/json' };

/**
 * CSRF defence for the tRPC endpoint; returns the refusal, or undefined to go on.
 * - Only JSON bodies: an HTML form or `text/plain` beacon cannot reach a procedure.
 * - A request with a foreign `Origin` is refused.
 * - A mutation that a cookie would authenticate (the access cookie without an Authorization
 *   header, or the refresh cookie) must prove it is same-origin: an allowed `Origin`, or
 *   `Sec-Fetch-Site: same-origin`. It decides on the very values the context uses
 *   (`requestCredentials`). SameSite=Strict cookies already stop most cross-site requests; this
 *   also covers same-site sibling hosts and older browsers.
 * @see https://developer.mozilla.org/docs/Web/HTTP/Headers/Sec-Fetch-Site
 */
export function trpcRequestGuard(allowedOrigins: readonly string[], cookieNames: AuthCookieNames, address: ClientAddress) {
  const allowed = new Set(allowedOrigins.map((o) => o.replace(/\/$/, '')));
  /** The server's own origin as the browser sees it (honours X-Forwarded-Proto only with TRUST_PROXY). */
  const ownOrigin = (req: IncomingMessage): string | undefined => {
    const host = req.headers.host;
    return host ? `${address.protocol(req)}://${host}` : undefined;
  };
  return (req: IncomingMessage): Refusal | undefined => {
    const { method, headers } = req;
    if (method !== 'GET' && method !== 'POST' && method !== 'OPTIONS' && method !== 'HEAD') {
      return { code: 'METHOD_NOT_SUPPORTED', appCode: AppErrorCode.InvalidInput, message: `Method ${method} is not supported` };
    }
    const origin = headers.origin;
    const originAllowed = origin !== undefined && (allowed.has(origin) || origin === ownOrigin(req));
    if (origin !== undefined && !originAllowed) return CROSS_SITE;
    if (method !== 'POST') return undefined;

    const contentLength = headers['content-length'];
    const hasBody = contentLength !== undefined ? contentLength !== '0' : headers['transfer-encoding'] !== undefined;
    if (hasBody && !typeIs.is(headers['content-type'] ?? '', ['application/json'])) return NOT_JSON;

    // The credentials the context will authenticate with, read once.
    const sameOrigin = originAllowed || headers['sec-fetch-site'] === 'same-origin';
    if (requestCredentials(req, cookieNames).usesCookies && !sameOrigin) return CROSS_SITE;
    return undefined;
  };
}
