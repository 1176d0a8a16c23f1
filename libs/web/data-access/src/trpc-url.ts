import { InjectionToken } from '@angular/core';

/**
 * Where the tRPC endpoint lives. Defaults to `/trpc` on the app's own origin (the API serves the
 * built app in production; `nx serve web` proxies `/trpc` in development).
 */
export const TRPC_URL = new InjectionToken<string>('TRPC_URL', { providedIn: 'root', factory: () => '/trpc' });
