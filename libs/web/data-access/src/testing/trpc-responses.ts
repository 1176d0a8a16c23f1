import type { HttpRequest } from '@angular/common/http';
import type { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import type { AuthResult, Person, User } from '@app/contracts';
import { REFRESH_COOKIE_PATHS, REFRESH_COOKIE_SEGMENT } from '../auth-http-context';

/** Test helpers: tRPC's wire format for HttpTestingController. */

export const USER: User = { id: '00000000-0000-4000-8000-000000000001', email: 'ada@example.com', role: 'user', emailVerified: true };

export function ok(data: unknown): { result: { data: unknown } } {
  return { result: { data } };
}

export function authResult(user: User = USER, accessTtlMs = 15 * 60_000): AuthResult {
  return {
    user,
    accessTokenExpiresAt: new Date(Date.now() + accessTtlMs).toISOString(),
    refreshTokenExpiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  };
}

export function person(id: number): Person {
  return { id, firstName: `First${id}`, lastName: `Last${id}`, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
}

const TRPC_CODES: Record<number, [string, number]> = {
  400: ['BAD_REQUEST', -32600],
  401: ['UNAUTHORIZED', -32001],
  403: ['FORBIDDEN', -32003],
  409: ['CONFLICT', -32009],
  429: ['TOO_MANY_REQUESTS', -32029],
  503: ['SERVICE_UNAVAILABLE', -32603],
};

/** Answers a request with a tRPC error body, as the server's errorFormatter shapes it (with `headers`, e.g. `Retry-After`). */
export function flushError(
  request: TestRequest,
  status: number,
  appCode: string,
  message = `failed with ${appCode}`,
  headers: Record<string, string> = {},
): void {
  const [code, jsonCode] = TRPC_CODES[status] ?? ['INTERNAL_SERVER_ERROR', -32603];
  request.flush(
    { error: { message, code: jsonCode, data: { code, httpStatus: status, appCode, zodError: null } } },
    { status, statusText: code, headers },
  );
}

/** Lets promise chains (tRPC client, interceptor, store) run until the next requests are issued. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/**
 * The pending requests to one procedure (`people.byId`, `auth.refresh`, …), removed from the
 * controller; `auth.refresh` and `auth.logout` are found under `/trpc/session/`, where the app sends them.
 */
export function take(http: HttpTestingController, path: string): TestRequest[] {
  const expected = REFRESH_COOKIE_PATHS.has(path) ? `/trpc/${REFRESH_COOKIE_SEGMENT}/${path}` : `/trpc/${path}`;
  return http.match((request: HttpRequest<unknown>) => new URL(request.urlWithParams, 'http://app').pathname === expected);
}
