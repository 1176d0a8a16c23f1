/** Where to go after signing in when no (usable) `returnUrl` was given. */
export const DEFAULT_SIGNED_IN_URL = '/people';

/**
 * A `returnUrl` taken from the address bar, made safe: only a path on this app (`/…`), never an
 * absolute or protocol-relative URL that would send a fresh sign-in to another site.
 */
export function safeReturnUrl(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return DEFAULT_SIGNED_IN_URL;
  return isSignInPage(value) ? DEFAULT_SIGNED_IN_URL : value;
}

/** Whether `url` is the login or signup page (with any query or fragment): never a place to return to. */
export function isSignInPage(url: string): boolean {
  const path = url.split(/[?#]/)[0];
  return path === '/login' || path === '/signup';
}
