import { HttpErrorResponse, type HttpInterceptorFn, HttpStatusCode } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, from, switchMap, throwError } from 'rxjs';
import { isSessionEndedError } from './api-error';
import { REDIRECT_WHEN_SIGNED_OUT, SKIP_SESSION_REFRESH } from './auth-http-context';
import { AuthStore } from './auth-store';

/**
 * Sends cookies with every call and keeps the session alive without the user noticing.
 *
 * On a 401 from anything but the auth calls, it waits for the one shared refresh (N parallel 401s
 * cause exactly one `auth.refresh`) and retries the request once. If the server rejects the
 * refresh, every waiting request fails with its 401 (none hangs), the user is cleared and the app
 * routes to `/login?returnUrl=…`. A refresh that fails for another reason (offline, 503) fails the
 * requests but keeps the user signed in: the next call tries again.
 *
 * 403 passes through untouched: lacking a role is "not allowed", never a reason to sign out.
 * @see https://angular.dev/guide/http/interceptors
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  const request = req.clone({ withCredentials: true });
  if (req.context.get(SKIP_SESSION_REFRESH)) return next(request);

  const store = inject(AuthStore);
  const sentAt = store.refreshGeneration();
  return next(request).pipe(
    catchError((error: unknown) => {
      if (!(error instanceof HttpErrorResponse) || error.status !== HttpStatusCode.Unauthorized) {
        return throwError(() => error);
      }
      return from(store.refresh(sentAt)).pipe(
        catchError((refreshError: unknown) => {
          if (isSessionEndedError(refreshError) && req.context.get(REDIRECT_WHEN_SIGNED_OUT)) store.redirectToLogin();
          return throwError(() => error);
        }),
        // Retried once: a second 401 reaches the caller as it is.
        switchMap(() => next(request)),
      );
    }),
  );
};
