import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  type ApplicationConfig,
  inject,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import {
  provideRouter,
  TitleStrategy,
  withComponentInputBinding,
  withInMemoryScrolling,
  withNavigationErrorHandler,
  withRouterConfig,
} from '@angular/router';
import { authInterceptor, AuthStore } from '@app/web-data-access';
import { loadFeatures, routes } from './app.routes';
import { NavigationFailures } from './navigation-failure';
import { ProductTitleStrategy } from './product-title-strategy';

/**
 * Zoneless, signals-first wiring: HttpClient with the auth interceptor (every tRPC call passes
 * through it), the router with route params as component inputs, and the session check at start.
 */
export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideHttpClient(withInterceptors([authInterceptor])),
    provideRouter(
      routes,
      withComponentInputBinding(),
      withInMemoryScrolling({ scrollPositionRestoration: 'top' }),
      // A page whose code cannot be downloaded is reported (with Retry), not left as a dead click.
      withNavigationErrorHandler((error) => inject(NavigationFailures).report(error)),
      withRouterConfig({ resolveNavigationPromiseOnError: true }),
    ),
    { provide: TitleStrategy, useClass: ProductTitleStrategy },
    provideAppInitializer(() => {
      // The session check starts at once; guarded routes wait for it (see authGuard). A browser
      // that holds no session answers it without a request.
      void inject(AuthStore).restore();
      // The pages' code is needed whatever the check says: fetch it alongside, not after.
      loadFeatures().catch(() => undefined); // a failure is reported when the router needs it
    }),
  ],
};
