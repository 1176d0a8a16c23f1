import { inject } from '@angular/core';
import { type CanActivateFn, Router } from '@angular/router';
import { AuthStore } from './auth-store';
import { safeReturnUrl } from './return-url';

/**
 * Lets signed-in users through; sends everyone else to `/login?returnUrl=…`. Waits for the
 * start-up session check, so a hard reload of a guarded page keeps the user on it.
 * Guards are only UX: the server checks every call.
 */
export const authGuard: CanActivateFn = async (_route, state) => {
  const store = inject(AuthStore);
  const router = inject(Router);
  await store.restore();
  if (store.isSignedIn()) return true;
  return router.createUrlTree(['/login'], { queryParams: state.url === '/' ? {} : { returnUrl: state.url } });
};

/** The login and signup pages: a signed-in user goes straight on to `returnUrl` (or the people list). */
export const guestGuard: CanActivateFn = async (route) => {
  const store = inject(AuthStore);
  const router = inject(Router);
  await store.restore();
  return store.isSignedIn() ? router.parseUrl(safeReturnUrl(route.queryParamMap.get('returnUrl'))) : true;
};

/** Admin-only pages: anyone else sees "not allowed" (never a sign-out). */
export const adminGuard: CanActivateFn = async () => {
  const store = inject(AuthStore);
  const router = inject(Router);
  await store.restore();
  if (store.isAdmin()) return true;
  return store.isSignedIn() ? router.createUrlTree(['/not-allowed']) : router.createUrlTree(['/login']);
};
