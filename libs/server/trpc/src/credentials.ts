import type { AuthCookieNames } from '@app/contracts';
import { parseCookie } from 'cookie';
import type { IncomingMessage } from 'node:http';

/** How the caller sent its access token. */
export type Transport = 'bearer' | 'cookie' | null;

/**
 * The credentials a request carries, read once per request: the CSRF guard (libs/server/http)
 * decides on exactly the values the context authenticates with, never on another reading of the
 * raw headers.
 */
export interface RequestCredentials {
  /** The bearer token when an Authorization header is present (even empty), else the access cookie. */
  readonly accessToken: string | null;
  readonly transport: Transport;
  /** The refresh cookie; the browser sends it only under its path (`/trpc/session/…`). */
  readonly refreshCookie: string | null;
  /** A cookie would authenticate something here: a mutation must then prove it is same-origin. */
  readonly usesCookies: boolean;
}

/**
 * Stands in for a credential that is present but unusable (an empty or malformed Authorization
 * header). It fails verification like any wrong token, and it keeps its place: an unusable header
 * never lets the cookie speak instead.
 */
const UNUSABLE = 'unusable-credential';

const read = new WeakMap<IncomingMessage, RequestCredentials>();

/**
 * The request's credentials, computed on first use and shared after. Only the cookies named
 * `names` count (the prefixed names when cookies are Secure): a cookie of another name, such as an
 * unprefixed one a sibling subdomain planted, is ignored. A cookie's value is only ever text: it
 * is never read as JSON or as a signed value.
 */
export function requestCredentials(req: IncomingMessage, names: AuthCookieNames): RequestCredentials {
  let credentials = read.get(req);
  if (!credentials) {
    credentials = readCredentials(req, names);
    read.set(req, credentials);
  }
  return credentials;
}

function readCredentials(req: IncomingMessage, names: AuthCookieNames): RequestCredentials {
  // Most API callers send a bearer token and no cookie at all: nothing to parse then.
  const cookies = req.headers.cookie ? parseCookie(req.headers.cookie) : {};
  const bearer = bearerToken(req.headers.authorization);
  const accessCookie = cookieValue(cookies[names.access]);
  const refreshCookie = cookieValue(cookies[names.refresh]);
  const transport: Transport = bearer !== null ? 'bearer' : accessCookie !== null ? 'cookie' : null;
  return {
    accessToken: bearer ?? accessCookie,
    transport,
    refreshCookie,
    usesCookies: transport === 'cookie' || refreshCookie !== null,
  };
}

/** Absent header → null; present (even empty, or not `Bearer <token>`) → its token or UNUSABLE. */
function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? UNUSABLE;
}

/** An absent or empty cookie is no credential. */
function cookieValue(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

/**
 * A caller that looks like a browser: it sent `Origin`, or Fetch Metadata (`Sec-Fetch-Site`,
 * `-Dest`, `-User`, or a `Sec-Fetch-Mode` other than `cors`). Such a caller gets its tokens only as
 * httpOnly cookies, never in a response body that page script could read.
 *
 * A lone `Sec-Fetch-Mode: cors` is not a browser: Node's fetch (undici) adds exactly that header
 * to every request, so counting it would deny the typed client, the CLI and every Node service
 * their tokens. A browser never sends it alone: browsers send `Sec-Fetch-Site` with it, and
 * `Origin` on every POST (signup, login and refresh are all POSTs).
 * @see https://w3c.github.io/webappsec-fetch-metadata/
 */
export function looksLikeBrowser(req: IncomingMessage): boolean {
  const headers = req.headers;
  if (headers.origin !== undefined) return true;
  for (const name in headers) {
    if (name.startsWith('sec-fetch-') && (name !== 'sec-fetch-mode' || headers[name] !== 'cors')) return true;
  }
  return false;
}
