import { HttpContextToken } from '@angular/common/http';

/**
 * Marks a request that must never set off a refresh or be retried: the auth calls themselves
 * (`auth.login`, `auth.signup`, `auth.refresh`). The tRPC link sets it from the procedure path.
 * A 401 from these means "wrong password" or "session over", never "access token expired".
 */
export const SKIP_SESSION_REFRESH = new HttpContextToken<boolean>(() => false);

/**
 * Whether the app should route to `/login?returnUrl=…` when this request finds the session over.
 * Off for the start-up check: there the route guards decide where to go.
 */
export const REDIRECT_WHEN_SIGNED_OUT = new HttpContextToken<boolean>(() => true);

/**
 * The calls that start or renew a session from what the caller sends: a 401 from one of them is
 * an answer, never a reason to refresh. The same set as contracts' `SESSION_STARTING_CALLS`
 * (a unit test keeps them equal), written out here because any value imported from
 * `@app/contracts` brings its zod schemas into the browser's initial bundle (+100 kB).
 */
export const SESSION_STARTING_PATHS: ReadonlySet<string> = new Set(['auth.login', 'auth.signup', 'auth.refresh']);

/**
 * The calls that use the refresh cookie, and the sub-path (under the tRPC URL) they are sent to:
 * the cookie is scoped to `/trpc/session`, so `auth.logout` receives it too and the server can
 * end the session even when the access token has expired. The same as contracts'
 * `REFRESH_COOKIE_CALLS` and `AUTH_COOKIES.refreshPath` (a unit test keeps them equal).
 */
export const REFRESH_COOKIE_PATHS: ReadonlySet<string> = new Set(['auth.refresh', 'auth.logout']);
export const REFRESH_COOKIE_SEGMENT = 'session';
