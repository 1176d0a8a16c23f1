import { type AuthCookieNames, authCookieNames, type BearerAuthResult } from '@app/contracts';
import type { NodeHTTPCreateContextFnOptions } from '@trpc/server/adapters/node-http';
import { type SerializeOptions, stringifySetCookie } from 'cookie';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
  res: ServerResponse | null;
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
  res?: ServerResponse | null;
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
 * Verification happens in protectedProcedure. `clientIp` reads the caller's address as TRUST_PROXY
 * allows (the HTTP layer knows the proxies).
 */
export function createContextFactory(services: AppServices, clientIp: (req: IncomingMessage) => string | null) {
  const names = authCookieNames(services.config.cookieSecure);
  const cookieOptions = sessionCookieOptions(names, services.config.cookieSecure);
  return ({ req, res }: NodeHTTPCreateContextFnOptions<IncomingMessage, ServerResponse>): Context => {
    const { accessToken, transport, refreshCookie } = requestCredentials(req, names);
    return createContextInner({
      services,
      accessToken,
      transport,
      refreshCookie,
      client: { ip: clientIp(req), userAgent: req.headers['user-agent'] ?? null },
      isBrowser: looksLikeBrowser(req),
      cookies: cookieWriter(res, names, cookieOptions),
      res,
    });
  };
}

/** A cookie that ends at `expiresAt`: Max-Age for current browsers, Expires for older ones. */
function expiringAt(expiresAt: Date, now: number): SerializeOptions {
  return { maxAge: Math.max(0, Math.floor((expiresAt.getTime() - now) / 1000)), expires: expiresAt };
}

/** Deletes a cookie: expired long ago, with the attributes it was set with. */
const EXPIRED: SerializeOptions = { expires: new Date(0) };

/**
 * The session cookies' attributes: `__Host-` access cookie (Path=/, no Domain) and `__Secure-`
 * refresh cookie scoped to `/trpc/session`, both Secure (unprefixed without COOKIE_SECURE, see
 * contracts), httpOnly and SameSite=Strict.
 * @see https://developer.mozilla.org/docs/Web/HTTP/Reference/Headers/Set-Cookie
 */
function sessionCookieOptions(names: AuthCookieNames, secure: boolean) {
  const access: SerializeOptions = { httpOnly: true, secure, sameSite: 'strict', path: '/' };
  return { access, refresh: { ...access, path: names.refreshPath } };
}

/** Sets and clears the session cookies on this response (most calls never do: built per call, it holds only `res`). */
function cookieWriter(res: ServerResponse, names: AuthCookieNames, { access, refresh }: ReturnType<typeof sessionCookieOptions>): SessionCookies {
  return {
    set(result) {
      const now = Date.now();
      res.appendHeader('Set-Cookie', [
        stringifySetCookie(names.access, result.accessToken, { ...access, ...expiringAt(new Date(result.accessTokenExpiresAt), now) }),
        // Max-Age is the session's *remaining* absolute lifetime: rotation never extends it.
        stringifySetCookie(names.refresh, result.refreshToken, { ...refresh, ...expiringAt(new Date(result.refreshTokenExpiresAt), now) }),
      ]);
    },
    clear() {
      res.appendHeader('Set-Cookie', [stringifySetCookie(names.access, '', { ...access, ...EXPIRED }), stringifySetCookie(names.refresh, '', { ...refresh, ...EXPIRED })]);
    },
  };
}
