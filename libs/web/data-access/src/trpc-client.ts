import { HttpClient } from '@angular/common/http';
import { inject, InjectionToken } from '@angular/core';
import type { AppRouter } from '@app/server-trpc/types';
import { createTRPCClient, type TRPCClient } from '@trpc/client';
import { angularHttpLink } from './angular-http-link';
import { TRPC_URL } from './trpc-url';

/** The typed API client. Only the router's *type* comes from the server lib. */
export type ApiClient = TRPCClient<AppRouter>;

/**
 * The app's tRPC client, sending every call through `HttpClient` (and so through `authInterceptor`).
 * @see https://trpc.io/docs/client/vanilla/setup
 */
export const TRPC_CLIENT = new InjectionToken<ApiClient>('TRPC_CLIENT', {
  providedIn: 'root',
  factory: () => createTRPCClient<AppRouter>({ links: [angularHttpLink<AppRouter>({ http: inject(HttpClient), url: inject(TRPC_URL) })] }),
});
