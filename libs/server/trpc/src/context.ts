import { type AuthCookieNames, authCookieNames, type BearerAuthResult } from '@app/contracts';
import type { CreateExpressContextOptions } from '@trpc/server/adapters/express';
import type { Response } from 'express';
import type { AppServices, ClientInfo, Principal } from '@app/server-core';
import { looksLikeBrowser, requestCredentials, type Transport } from './credentials';


/** Sets and clears the auth cookies on the response (a no-op without one, as in `createCaller` tests). */
export interface SessionCookies {
  set(result: BearerAuthResult): void;
  clear(): void;
}

export interface Context {
  services: AppServices;
  accessToken: string | null;
  transport: Transport;
  /** The refresh cookie, only ever sent under `/trpc/session/` (to `auth.refresh` and `auth.logout`). */
  refreshCookie: string | null;
  client: ClientInfo;
  /** Looks like a browser (`Origin` or Fetch Metadata): tokens then travel only in httpOnly cookies, never in the body. */
  isBrowser: boolean;
  cookies: SessionCookies;
  res: Response | null;
  /** Set by protectedProcedure. */
  user?: Principal;
}

export interface InnerContextOptions {
  services: AppServices;
  accessToken?: string | null;
  transport?: Transport;
  refreshCookie?: string | null;
  client?: ClientInfo;
  isBrowser?: boolean;
  cookies?: SessionCookies;
  res?: Response | null;
}

const noCookies: SessionCookies = { set: () => undefined, clear: () => undefined };

/** Builds a context without HTTP, for `createCaller` in tests and scripts. */
export function createContextInner(options: InnerContextOptions): Context {
  return {
    services: options.services,
    accessToken: options.accessToken ?? null,
    transport: options.transport ?? (options.accessToken ? 'bearer' : null),
    refreshCookie: options.refreshCookie ?? null,
    client: options.client ?? { ip: null, userAgent: null },
    isBrowser: options.isBrowser ?? false,
    cookies: options.cookies ?? noCookies,
    res: options.res ?? null,
  };
}

/**
 * The request's credentials exactly as the CSRF guard judged them (see credentials.ts).
 * Verification happens in protectedProcedure.
 */
export function createContextFactory(services: AppServices) {
  const names = authCookieNames(services.config.cookieSecure);
  return ({ req, res }: CreateExpressContextOptions): Context => {
    const { accessToken, transport, refreshCookie } = requestCredentials(req, names);
    return createContextInner({
      services,
      accessToken,
      transport,
      refreshCookie,
      client: { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null },
      isBrowser: looksLikeBrowser(req),
      cookies: cookieWriter(res, names, services.config.cookieSecure),
      res,
    });
  };
}

/**
 * The session cookies: `__Host-` access cookie (Path=/, no Domain) and `__Secure-` refresh cookie
 * scoped to `/trpc/session`, both Secure (unprefixed without COOKIE_SECURE, see contracts).
 */
function cookieWriter(res: Response, names: AuthCookieNames, secure: boolean): SessionCookies {
  const base = { httpOnly: true, secure, sameSite: 'strict' as const };
  return {
    set(result) {
      const now = Date.now();
      res.cookie(names.access, result.accessToken, {
        ...base,
        path: '/',
        maxAge: Math.max(0, Date.parse(result.accessTokenExpiresAt) - now),
      });
      // Max-Age is the session's *remaining* absolute lifetime: rotation never extends it.
      res.cookie(names.refresh, result.refreshToken, {
        ...base,
        path: names.refreshPath,
        maxAge: Math.max(0, Date.parse(result.refreshTokenExpiresAt) - now),
      });
    },
    clear() {
      res.clearCookie(names.access, { ...base, path: '/' });
      res.clearCookie(names.refresh, { ...base, path: names.refreshPath });
    },
  };
}
