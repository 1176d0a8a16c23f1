import type { ChangePasswordInput, LoginInput, SignupInput, User } from '@app/contracts';
import type { AppRouter } from '@app/server-trpc/types';
import { createTRPCClient, httpBatchLink, httpLink, type TRPCClient } from '@trpc/client';
import { type ApiClientError, isUnauthorized } from './api-errors';
import { authLink, authorizationHeaders } from './auth-link';
import { SessionManager } from './session-manager';
import { MemoryTokenStore, type StoredSession, type TokenStore } from './token-store';

/** The server's largest batch (see the server's `maxBatchSize`). */
const MAX_BATCH_ITEMS = 50;
/** Keeps batched GET URLs well under common server and proxy limits. */
const MAX_URL_LENGTH = 8_000;

type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  /** The server, e.g. `http://localhost:3000` (`/trpc` is appended unless the URL already ends with it). */
  url: string;
  /** Where the session lives; in memory by default. For Node, see `FileTokenStore` in `@app/api-client/node`. */
  store?: TokenStore;
  /** Send calls made in the same tick as one HTTP request (default true). */
  batch?: boolean;
  /** Extra headers on every request (e.g. `user-agent`, shown in the sessions list). */
  headers?: Record<string, string>;
  /** A `fetch` to use instead of the global one. */
  fetch?: FetchFn;
  /** Abandon a request after this long, so no call can hang (default 30 s; 0 disables). */
  timeoutMs?: number;
  /** Refresh this long before the access token expires (default 30 s; capped at a quarter of its lifetime). */
  refreshMarginMs?: number;
  /** Called when the server refused a refresh (session revoked or expired) and the session was cleared. */
  onSessionEnded?: (error: ApiClientError) => void;
}

type Procedures = TRPCClient<AppRouter>;

/**
 * A typed API client. `auth`, `people` and `users` are the tRPC procedures; the methods below
 * keep the session.
 */
export interface ApiClient {
  /** Every procedure, typed from the server's `AppRouter`. */
  readonly trpc: Procedures;
  readonly auth: Procedures['auth'];
  readonly people: Procedures['people'];
  readonly users: Procedures['users'];
  /** Signs in and stores the session; returns the user. */
  login(input: LoginInput): Promise<User>;
  /** Creates an account, which also signs in; returns the user. */
  signup(input: SignupInput): Promise<User>;
  /**
   * Revokes the session on the server (all of the user's with `allDevices`) and clears the
   * store. One `auth.logout`, which carries the refresh token: when the access token has expired
   * the server ends the session by it, so no refresh comes first and a refresh that would fail
   * (rate limit, outage) cannot keep the session alive. The store is cleared even when the server
   * cannot be reached; that error is rethrown.
   */
  logout(options?: { allDevices?: boolean }): Promise<void>;
  /**
   * Changes the password (`auth.changePassword`). The server answers with a new session for this
   * device and ends the old one: the new tokens are stored before this resolves (also when
   * `auth.changePassword` is called directly). Returns the user.
   */
  changePassword(input: ChangePasswordInput): Promise<User>;
  /** Rotates the tokens now (calls refresh by themselves when needed). */
  refresh(): Promise<StoredSession>;
  /** The stored session, or null when signed out. */
  session(): Promise<StoredSession | null>;
}

/** `http://host:3000` or `http://host:3000/trpc` → the tRPC endpoint. */
export function trpcEndpoint(url: string): string {
  const base = url.trim().replace(/\/+$/, '');
  return base.endsWith('/trpc') ? base : `${base}/trpc`;
}

/** Wraps `fetch` so that every request gives up after `timeoutMs` (keeping the caller's own signal). */
function fetchWithTimeout(fetchImpl: FetchFn, timeoutMs: number): FetchFn {
  if (timeoutMs <= 0) return fetchImpl;
  return async (input, init = {}) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`No answer within ${timeoutMs} ms`)), timeoutMs);
    const outer = init.signal;
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener('abort', () => controller.abort(outer.reason), { once: true });
    try {
      return await fetchImpl(input, { ...init, signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Creates a typed client for the API over bearer tokens, for Node 20+ and any runtime with `fetch`.
 *
 * ```ts
 * const api = createApiClient({ url: 'http://localhost:3000' });
 * await api.login({ email, password });
 * const page = await api.people.list.query({ search: 'ada' });
 * ```
 *
 * Calls are batched; every call that gets a 401 shares one refresh and is retried once, and the
 * token is refreshed shortly before it expires. Failed calls reject with a typed `TRPCClientError`
 * (see `ApiClientError`).
 * @see https://trpc.io/docs/client/vanilla/setup
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const url = trpcEndpoint(options.url);
  const baseHeaders = { ...options.headers };
  const fetchImpl = fetchWithTimeout(options.fetch ?? ((input, init) => globalThis.fetch(input, init)), options.timeoutMs ?? 30_000);

  // Refreshes go on their own, unbatched and outside the refreshing link: a refresh can never
  // wait behind, or trigger, another refresh.
  const refresher = createTRPCClient<AppRouter>({ links: [httpLink({ url, fetch: fetchImpl, headers: baseHeaders })] });

  const session = new SessionManager({
    store: options.store ?? new MemoryTokenStore(),
    refresh: (refreshToken) => refresher.auth.refresh.mutate({ refreshToken }),
    refreshMarginMs: options.refreshMarginMs ?? 30_000,
    onSessionEnded: options.onSessionEnded,
  });

  const transport =
    options.batch === false
      ? httpLink<AppRouter>({
          url,
          fetch: fetchImpl,
          headers: ({ op }) => ({ ...baseHeaders, ...authorizationHeaders(session, [op]) }),
        })
      : httpBatchLink<AppRouter>({
          url,
          fetch: fetchImpl,
          maxItems: MAX_BATCH_ITEMS,
          maxURLLength: MAX_URL_LENGTH,
          headers: ({ opList }) => ({ ...baseHeaders, ...authorizationHeaders(session, opList) }),
        });

  const trpc = createTRPCClient<AppRouter>({ links: [authLink(session), transport] });

  return {
    trpc,
    auth: trpc.auth,
    people: trpc.people,
    users: trpc.users,
    async login(input) {
      return (await session.adopt(await trpc.auth.login.mutate(input))).user;
    },
    async signup(input) {
      return (await session.adopt(await trpc.auth.signup.mutate(input))).user;
    },
    async logout(logoutOptions) {
      const refreshToken = await session.signOutToken();
      if (refreshToken === null) return;
      try {
        // On success the auth link has cleared the session already (see keepSession).
        await trpc.auth.logout.mutate({ ...logoutOptions, refreshToken });
      } catch (error) {
        await session.clear();
        // A 401 means the session had already ended: signed out either way.
        if (!isUnauthorized(error)) throw error;
      }
    },
    async changePassword(input) {
      return (await trpc.auth.changePassword.mutate(input)).user;
    },
    refresh: () => session.refresh(),
    session: () => session.current(),
  };
}
