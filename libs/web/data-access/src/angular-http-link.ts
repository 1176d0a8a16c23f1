import { HttpClient, HttpContext, HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { TRPCClientError, type TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import { REFRESH_COOKIE_PATHS, REFRESH_COOKIE_SEGMENT, SESSION_STARTING_PATHS, SKIP_SESSION_REFRESH } from './auth-http-context';

/** The key under which a call's tRPC `context` may carry an `HttpContext` for its request. */
export const HTTP_CONTEXT = 'httpContext';

export interface AngularHttpLinkOptions {
  /** Angular's HttpClient: every call goes through its interceptors. */
  readonly http: HttpClient;
  /** The tRPC endpoint, e.g. `/trpc`. */
  readonly url: string;
}

const JSON_HEADERS = new HttpHeaders({ 'content-type': 'application/json' });

interface TrpcErrorEnvelope {
  error: { message: string; code: number; data?: unknown };
}

function isErrorEnvelope(body: unknown): body is TrpcErrorEnvelope {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

/** What the link adds to a failed call's `meta`, read back by `toApiError`. */
export interface HttpErrorMeta {
  readonly status: number;
  /** The `Retry-After` header in seconds (429, 503), when the server sent one. */
  readonly retryAfterSeconds: number | null;
}

/** `Retry-After` as seconds: either a number of seconds or an HTTP date. */
function retryAfterSeconds(response: HttpErrorResponse): number | null {
  const value = response.headers?.get('Retry-After');
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function toClientError<TRouter extends AnyRouter>(cause: unknown): TRPCClientError<TRouter> {
  if (cause instanceof HttpErrorResponse) {
    const meta: HttpErrorMeta = { status: cause.status, retryAfterSeconds: retryAfterSeconds(cause) };
    if (isErrorEnvelope(cause.error)) return TRPCClientError.from<TRouter>(cause.error, { cause, meta: { ...meta } });
    const message = cause.status === 0 ? 'Cannot reach the server; check your connection' : `Request failed (HTTP ${cause.status})`;
    return TRPCClientError.from<TRouter>(new Error(message, { cause }), { meta: { ...meta } });
  }
  return TRPCClientError.from<TRouter>(cause instanceof Error ? cause : new Error(String(cause)));
}

/**
 * A terminating tRPC link that sends each call as its own request through Angular's `HttpClient`,
 * so functional interceptors (credentials, refresh-and-retry) see every call. It never batches:
 * a batch mixing a 401 with a 200 answers HTTP 207, which no interceptor could act on.
 *
 * Queries are `GET /trpc/<path>?input=<json>`, mutations `POST /trpc/<path>` with a JSON body,
 * as tRPC's own `httpLink` sends them (no transformer: dates travel as ISO strings);
 * `auth.refresh` and `auth.logout` go to `/trpc/session/<path>`, where the refresh cookie is sent.
 * @see https://trpc.io/docs/client/links/httpLink
 */
export function angularHttpLink<TRouter extends AnyRouter>(options: AngularHttpLinkOptions): TRPCLink<TRouter> {
  const base = options.url.replace(/\/$/, '');
  return () =>
    ({ op }) =>
      observable((observer) => {
        if (op.type === 'subscription') {
          observer.error(toClientError<TRouter>(new Error('Subscriptions are not supported over HTTP')));
          return () => undefined;
        }
        const given = op.context[HTTP_CONTEXT];
        const context = given instanceof HttpContext ? given : new HttpContext();
        if (SESSION_STARTING_PATHS.has(op.path)) context.set(SKIP_SESSION_REFRESH, true);

        // The calls that need the refresh cookie go under its path: the browser sends it nowhere else.
        const url = REFRESH_COOKIE_PATHS.has(op.path) ? `${base}/${REFRESH_COOKIE_SEGMENT}/${op.path}` : `${base}/${op.path}`;
        const request =
          op.type === 'query'
            ? options.http.get<unknown>(op.input === undefined ? url : `${url}?input=${encodeURIComponent(JSON.stringify(op.input))}`, {
                context,
              })
            : // Always declared as JSON (as tRPC's httpLink does), even without input: tRPC refuses other types.
              options.http.post<unknown>(url, op.input === undefined ? null : op.input, { context, headers: JSON_HEADERS });

        // tRPC hands the caller's AbortSignal to the link: cancelling a call cancels its request.
        const signal = op.signal;
        if (signal?.aborted) {
          observer.error(toClientError<TRouter>(new DOMException('The request was cancelled', 'AbortError')));
          return () => undefined;
        }
        const subscription = request.subscribe({
          next(body) {
            if (isErrorEnvelope(body)) {
              observer.error(TRPCClientError.from<TRouter>(body));
              return;
            }
            const data = (body as { result?: { data?: unknown } } | null)?.result?.data;
            observer.next({ result: { type: 'data', data } });
            observer.complete();
          },
          error(cause: unknown) {
            observer.error(toClientError<TRouter>(cause));
          },
        });
        const cancel = () => {
          subscription.unsubscribe();
          observer.error(toClientError<TRouter>(new DOMException('The request was cancelled', 'AbortError')));
        };
        signal?.addEventListener('abort', cancel, { once: true });
        return () => {
          signal?.removeEventListener('abort', cancel);
          subscription.unsubscribe();
        };
      });
}
