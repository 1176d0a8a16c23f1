import type { AuthEventsInput, AuthEventsPage } from '@app/contracts';
import type { ApiClient } from '../trpc-client';

/** tRPC's per-call options the app uses (an abort signal, the `HttpContext` carrier). */
interface CallOptions {
  readonly signal?: AbortSignal;
  readonly context?: Record<string, unknown>;
}

/** `auth.events`, typed from its contract (`@app/contracts`). */
export interface AuthEventsProcedure {
  readonly events: { query(input: AuthEventsInput, options?: CallOptions): Promise<AuthEventsPage> };
}

/**
 * The client's `auth.events` seen through {@link AuthEventsProcedure}. The router type the client
 * is built on does not list it yet; the cast goes as soon as it does.
 */
export function authEventsProcedure(api: ApiClient): AuthEventsProcedure {
  // A cast, not `any`: the shape above is the contract's own input and output types.
  return api.auth as unknown as AuthEventsProcedure;
}
