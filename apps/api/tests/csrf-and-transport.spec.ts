import { AppErrorCode, AUTH_COOKIES, type BearerAuthResult, type Person, type User } from '@app/contracts';
import {
  type Account,
  BrowserLikeClient,
  type CallResult,
  type SetCookie,
  signUp,
  startTestServer,
  strongPassword,
  type TestServer,
  trpcMutation,
  trpcQuery,
  uniqueEmail,
} from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, countUsersWithEmail, expectError } from './support';

const EXTRA_ORIGIN = 'https://app.example.com';

let server: TestServer;
let account: Account;
beforeAll(async () => {
  server = await startTestServer({ config: { corsOrigins: [EXTRA_ORIGIN] } });
  account = await signUp(server);
});
afterAll(async () => {
  await server?.close();
});

/** A browser signed in as `account`, holding its cookies. */
async function signedInBrowser(): Promise<BrowserLikeClient> {
  const browser = new BrowserLikeClient(server.url);
  const res = await browser.mutation('auth.login', { email: account.email, password: account.password });
  expect(res.status, res.text).toBe(200);
  return browser;
}

function cookieHeader(browser: BrowserLikeClient, ...names: string[]): string {
  return names.map((name) => `${name}=${encodeURIComponent(browser.cookie(name)?.value ?? '')}`).join('; ');
}

function byName(res: CallResult, name: string): SetCookie {
  const cookie = res.cookies.find((c) => c.name === name);
  expect(cookie, `Set-Cookie ${name}`).toBeDefined();
  return cookie as SetCookie;
}

describe('cookies', () => {
  it('carry HttpOnly, Secure, SameSite=Strict, their Paths and Max-Age from the token lifetimes', async () => {
    const browser = new BrowserLikeClient(server.url);
    const res = await browser.mutation<BearerAuthResult>('auth.login', { email: account.email, password: account.password });
    const access = byName(res, AUTH_COOKIES.access);
    const refresh = byName(res, AUTH_COOKIES.refresh);
    for (const cookie of [access, refresh]) {
      expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
      expect(cookie.value).not.toBe('');
    }
    expect(access.path).toBe('/');
    expect(refresh.path).toBe(AUTH_COOKIES.refreshPath);
    expect(access.maxAge).toBeGreaterThanOrEqual(15 * 60 - 5);
    expect(access.maxAge).toBeLessThanOrEqual(15 * 60);
    const remaining = Math.floor((Date.parse(res.data.refreshTokenExpiresAt) - Date.now()) / 1000);
    expect(refresh.maxAge).toBeGreaterThanOrEqual(remaining - 5);
    expect(refresh.maxAge).toBeLessThanOrEqual(30 * 24 * 3600);
  });

  it('rotation keeps the refresh cookie’s Max-Age to the session’s remaining lifetime', async () => {
    const browser = await signedInBrowser();
    const before = browser.cookie(AUTH_COOKIES.refresh)?.maxAge ?? 0;
    const res = await browser.mutation<BearerAuthResult>('auth.refresh');
    const after = byName(res, AUTH_COOKIES.refresh);
    expect(after.path).toBe(AUTH_COOKIES.refreshPath);
    expect(after.maxAge).toBeLessThanOrEqual(before);
  });

  it('logout clears both cookies on their own Paths, so the browser really drops them', async () => {
    const browser = await signedInBrowser();
    const res = await browser.mutation('auth.logout');
    expect(res.status, res.text).toBe(200);
    const access = byName(res, AUTH_COOKIES.access);
    const refresh = byName(res, AUTH_COOKIES.refresh);
    expect(access).toMatchObject({ value: '', path: '/', httpOnly: true, secure: true, sameSite: 'Strict' });
    expect(refresh).toMatchObject({ value: '', path: AUTH_COOKIES.refreshPath, httpOnly: true, secure: true, sameSite: 'Strict' });
    for (const cookie of [access, refresh]) expect(Date.parse(cookie.expires ?? '')).toBeLessThan(Date.now());
  });

  it('the refresh cookie is only sent to auth.refresh: elsewhere it does not authenticate', async () => {
    const browser = await signedInBrowser();
    const res = await trpcQuery(server.url, 'auth.me', undefined, {
      cookie: cookieHeader(browser, AUTH_COOKIES.refresh),
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expectError(res, 401, AppErrorCode.Unauthenticated);
  });
});

describe('tokens in the JSON body', () => {
  it('a browser (it sends Sec-Fetch-Site) gets empty token strings from signup, login and refresh', async () => {
    const browser = new BrowserLikeClient(server.url);
    const email = uniqueEmail();
    const password = strongPassword();
    const signup = await browser.mutation<BearerAuthResult>('auth.signup', { email, password });
    const login = await browser.mutation<BearerAuthResult>('auth.login', { email, password });
    const refresh = await browser.mutation<BearerAuthResult>('auth.refresh');
    for (const res of [signup, login, refresh]) {
      expect(res.status, res.text).toBe(200);
      expect(res.data).not.toHaveProperty('accessToken');
      expect(res.data).not.toHaveProperty('refreshToken');
      expect(res.data.user.email).toBe(email);
      expect(res.headers.get('cache-control')).toContain('no-store');
    }
  });

  it('a mobile or internal client (no Sec-Fetch-Site) gets the tokens', async () => {
    const res = await trpcMutation<BearerAuthResult>(server.url, 'auth.login', { email: account.email, password: account.password });
    expect(res.data.accessToken.split('.')).toHaveLength(3);
    expect(res.data.refreshToken).toMatch(/^[0-9a-f-]{36}\.\d+\.[\w-]{43}\.[\w-]{43}$/);
    expect(res.headers.get('cache-control')).toContain('no-store');
  });
});

describe('CSRF: cookie-authenticated mutations', () => {
  it.each<[string, Record<string, string>]>([
    ['a foreign Origin', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
    ['a look-alike Origin', { origin: `${EXTRA_ORIGIN}.evil.example`, 'sec-fetch-site': 'cross-site' }],
    ['the allowed host over another scheme', { origin: 'http://app.example.com', 'sec-fetch-site': 'cross-site' }],
    ['Origin: null', { origin: 'null', 'sec-fetch-site': 'cross-site' }],
    ['no Origin, Sec-Fetch-Site: same-site (a sibling host)', { 'sec-fetch-site': 'same-site' }],
    ['no Origin, Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['neither Origin nor Sec-Fetch-Site', {}],
  ])('from %s are refused with 403 and write nothing', async (_label, headers) => {
    const browser = await signedInBrowser();
    const before = await countRows(server, 'people');
    const res = await trpcMutation(server.url, 'people.create', { firstName: 'Csrf', lastName: 'Victim' }, {
      cookie: cookieHeader(browser, AUTH_COOKIES.access),
      headers,
    });
    expectError(res, 403, AppErrorCode.CrossSiteRequest);
    expect(await countRows(server, 'people')).toBe(before);
  });

  it('a cross-site refresh (refresh cookie) is refused and the cookie stays usable', async () => {
    const browser = await signedInBrowser();
    const res = await trpcMutation(server.url, 'auth.refresh', undefined, {
      cookie: cookieHeader(browser, AUTH_COOKIES.refresh),
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expectError(res, 403, AppErrorCode.CrossSiteRequest);
    expect((await browser.mutation('auth.refresh')).status).toBe(200);
  });

  it('a cross-site logout is refused and the session lives on', async () => {
    const browser = await signedInBrowser();
    const res = await trpcMutation(server.url, 'auth.logout', undefined, {
      cookie: cookieHeader(browser, AUTH_COOKIES.access),
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expectError(res, 403, AppErrorCode.CrossSiteRequest);
    expect((await browser.query('auth.me')).status).toBe(200);
  });

  it.each<[string, Record<string, string>]>([
    ['the server’s own Origin', { origin: '' }],
    ['Sec-Fetch-Site: same-origin without Origin', { 'sec-fetch-site': 'same-origin' }],
    ['an origin listed in CORS_ORIGINS', { origin: EXTRA_ORIGIN, 'sec-fetch-site': 'same-site' }],
  ])('from %s are accepted', async (_label, headers) => {
    const browser = await signedInBrowser();
    const resolved = { ...headers };
    if (resolved['origin'] === '') resolved['origin'] = server.url;
    const res = await trpcMutation<Person>(server.url, 'people.create', { firstName: 'Same', lastName: 'Origin' }, {
      cookie: cookieHeader(browser, AUTH_COOKIES.access),
      headers: resolved,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.data).toMatchObject({ firstName: 'Same', lastName: 'Origin' });
  });

  it('a bearer mutation without Origin or Sec-Fetch-Site is accepted (mobile and internal clients)', async () => {
    const res = await trpcMutation<Person>(server.url, 'people.create', { firstName: 'Bearer', lastName: 'Client' }, { token: account.accessToken });
    expect(res.status, res.text).toBe(200);
    const refresh = await trpcMutation<BearerAuthResult>(server.url, 'auth.refresh', { refreshToken: (await signUp(server)).refreshToken });
    expect(refresh.status, refresh.text).toBe(200);
  });

  it('a mutation sent as GET is never executed', async () => {
    const browser = await signedInBrowser();
    const before = await countRows(server, 'people');
    const res = await trpcQuery(server.url, 'people.create', { firstName: 'Via', lastName: 'Get' }, {
      cookie: cookieHeader(browser, AUTH_COOKIES.access),
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(res.status, res.text).toBe(405);
    expect(await countRows(server, 'people')).toBe(before);
  });
});

describe('the tRPC endpoint accepts JSON bodies only', () => {
  const post = (path: string, body: string, contentType: string, extra: Record<string, string> = {}) =>
    fetch(`${server.url}/trpc/${path}`, { method: 'POST', headers: { 'content-type': contentType, ...extra }, body });

  it.each([
    ['text/plain', 'text/plain'],
    ['text/plain with a charset', 'text/plain;charset=UTF-8'],
    ['an HTML form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
  ])('%s → 415, and nothing is written', async (_label, contentType) => {
    const email = uniqueEmail('form');
    const res = await post('auth.signup', JSON.stringify({ email, password: strongPassword() }), contentType);
    expect(res.status).toBe(415);
    const body = (await res.json()) as { error: { data: { appCode: string; httpStatus: number } } };
    expect(body.error.data).toMatchObject({ appCode: AppErrorCode.UnsupportedMediaType, httpStatus: 415 });
    expect(await countUsersWithEmail(server, email)).toBe(0);
  });

  it('a same-origin browser cannot slip a text/plain body past it either', async () => {
    const browser = await signedInBrowser();
    const before = await countRows(server, 'people');
    const res = await post('people.create', JSON.stringify({ firstName: 'Plain', lastName: 'Text' }), 'text/plain', {
      cookie: cookieHeader(browser, AUTH_COOKIES.access),
      origin: server.url,
      'sec-fetch-site': 'same-origin',
    });
    expect(res.status).toBe(415);
    expect(await countRows(server, 'people')).toBe(before);
  });

  it('application/json with a charset is fine', async () => {
    const res = await post('auth.login', JSON.stringify({ email: account.email, password: account.password }), 'application/json; charset=utf-8');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { data: { user: User } } };
    expect(body.result.data.user.id).toBe(account.user.id);
  });

  it('malformed JSON is a 400, not a 500', async () => {
    const res = await post('auth.login', '{"email": "a@b.c", "password": ', 'application/json');
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toMatch(/stack|SyntaxError at/);
  });

  it('other HTTP methods are refused', async () => {
    const res = await fetch(`${server.url}/trpc/people.create`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${account.accessToken}` },
      body: JSON.stringify({ firstName: 'Put', lastName: 'Method' }),
    });
    expect(res.status).toBe(405);
  });
});
