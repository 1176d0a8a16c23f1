import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  type ApplicationConfig,
  inject,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter, withComponentInputBinding, withInMemoryScrolling } from '@angular/router';
import { authInterceptor, AuthStore } from '@app/web-data-access';
import { routes } from './app.routes';

/**
 * Zoneless, signals-first wiring: HttpClient with the auth interceptor (every tRPC call passes
 * through it), the router with route params as component inputs, and the session check at start.
 */
export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideHttpClient(withInterceptors([authInterceptor])),
    provideRouter(routes, withComponentInputBinding(), withInMemoryScrolling({ scrollPositionRestoration: 'top' })),
    // Starts the session check at once; guarded routes wait for it (see authGuard).
    provideAppInitializer(() => {
      void inject(AuthStore).restore();
    }),
  ],
};
