import { AUTH_COOKIES, type BearerAuthResult } from '@app/contracts';
import type { CreateExpressContextOptions } from '@trpc/server/adapters/express';
import type { Request, Response } from 'express';
import type { ServerConfig } from '@app/server-config';
import type { AppServices, ClientInfo, Principal } from '@app/server-core';

/** How the caller sent its access token. */
export type Transport = 'bearer' | 'cookie' | null;

/** Sets and clears the auth cookies on the response (a no-op without one, as in `createCaller` tests). */
export interface SessionCookies {
  set(result: BearerAuthResult): void;
  clear(): void;
}

export interface Context {
  services: AppServices;
  accessToken: string | null;
  transport: Transport;
  /** The refresh cookie, only ever sent to `/trpc/auth.refresh`. */
  refreshCookie: string | null;
  client: ClientInfo;
  /** A browser (it sends Fetch Metadata): tokens then travel only in httpOnly cookies, never in the body. */
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

/** Reads the bearer header (preferred) or the access cookie. Verification happens in protectedProcedure. */
export function createContextFactory(services: AppServices) {
  return ({ req, res }: CreateExpressContextOptions): Context => {
    const bearer = bearerToken(req);
    const cookies = (req.cookies ?? {}) as Record<string, string | undefined>;
    const accessCookie = cookies[AUTH_COOKIES.access] || null;
    return createContextInner({
      services,
      accessToken: bearer ?? accessCookie,
      transport: bearer ? 'bearer' : accessCookie ? 'cookie' : null,
      refreshCookie: cookies[AUTH_COOKIES.refresh] || null,
      client: { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null },
      isBrowser: req.get('sec-fetch-site') !== undefined,
      cookies: cookieWriter(res, services.config),
      res,
    });
  };
}

function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  // A malformed header is an invalid token, not an absent one: never fall back to the cookie.
  return match?.[1] ?? 'invalid';
}

function cookieWriter(res: Response, config: ServerConfig): SessionCookies {
  const base = { httpOnly: true, secure: config.cookieSecure, sameSite: 'strict' as const };
  return {
    set(result) {
      const now = Date.now();
      res.cookie(AUTH_COOKIES.access, result.accessToken, {
        ...base,
        path: '/',
        maxAge: Math.max(0, Date.parse(result.accessTokenExpiresAt) - now),
      });
      // Max-Age is the session's *remaining* absolute lifetime: rotation never extends it.
      res.cookie(AUTH_COOKIES.refresh, result.refreshToken, {
        ...base,
        path: AUTH_COOKIES.refreshPath,
        maxAge: Math.max(0, Date.parse(result.refreshTokenExpiresAt) - now),
      });
    },
    clear() {
      res.clearCookie(AUTH_COOKIES.access, { ...base, path: '/' });
      res.clearCookie(AUTH_COOKIES.refresh, { ...base, path: AUTH_COOKIES.refreshPath });
    },
  };
}
