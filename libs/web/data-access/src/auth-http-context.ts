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
