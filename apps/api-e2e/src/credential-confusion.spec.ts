import { AppErrorCode, AUTH_COOKIES, type AuthResult, type BearerAuthResult } from '@app/contracts';
import {
  type Account,
  BrowserLikeClient,
  type CallResult,
  logIn,
  parseSetCookie,
  type SetCookie,
  sessionIdOf,
  signUp,
  startTestServer,
  type TestServer,
  testDbKind,
  trpcMutation,
  trpcQuery,
} from '@app/server-testing';
import { sql } from 'kysely';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestTables } from './support/table-snapshot';

/**
 * Attacks on how a request's credentials are read: the CSRF guard and the authentication must
 * see the same credentials (a cookie the guard overlooks must not authenticate), an unusable
 * Authorization header must never let a cookie speak instead, a browser must never be handed
 * tokens in a body, and a token of a session that has ended must have no power over others.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** A signed-in browser's cookie values: what a cross-site page would ride on. */
async function browserSession(account: Account): Promise<{ access: string; refresh: string }> {
  const browser = new BrowserLikeClient(server.url);
  const res = await browser.mutation('auth.login', { email: account.email, password: account.password });
  expect(res.status, res.text).toBe(200);
  return { access: browser.cookie(AUTH_COOKIES.access)?.value ?? '', refresh: browser.cookie(AUTH_COOKIES.refresh)?.value ?? '' };
}

/** Not revoked and not past its absolute expiry. */
async function isLive(sessionId: string): Promise<boolean> {
  const { rows } = await sql<{ live: boolean }>`select revoked_at is null and expires_at > now() as live from sessions where id = ${sessionId}`.execute(server.services.db);
  return rows[0]?.live === true;
}

describe(`the CSRF guard judges the credentials the request is authenticated with (${testDbKind()})`, () => {
  let account: Account;
  let cookies: { access: string; refresh: string };
  beforeAll(async () => {
    account = await signUp(server);
    cookies = await browserSession(account);
  });

  const A = AUTH_COOKIES.access;
  /** Cookie headers a cross-site request might carry, each holding the genuine access token. */
  const cookieHeaders: [string, () => string][] = [
    ['plain', () => `${A}=${cookies.access}`],
    ['a space before "="', () => `${A} =${cookies.access}`],
    ['a tab before "="', () => `${A}\t=${cookies.access}`],
    ['a space after "="', () => `${A}= ${cookies.access}`],
    ['quoted', () => `${A}="${cookies.access}"`],
    ['after another cookie without a space', () => `theme=dark;${A}=${cookies.access}`],
    ['twice', () => `${A}=${cookies.access}; ${A}=${cookies.access}`],
  ];
  /** Ways a cross-site request might present itself (no Origin: the guard's second line of defence). */
  const crossSite: [string, Record<string, string>][] = [
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling host)', { 'sec-fetch-site': 'same-site' }],
    ['no Fetch Metadata at all', {}],
  ];
  /** Authorization headers that must never let the cookie through unchecked. */
  const unusableAuthorization: [string, Record<string, string>][] = [
    ['no Authorization header', {}],
    ['an empty Authorization header', { authorization: '' }],
    ['"Bearer" without a token', { authorization: 'Bearer' }],
    ['"Bearer " and spaces', { authorization: 'Bearer    ' }],
    ['Basic credentials', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['two bearer tokens', { authorization: 'Bearer a b' }],
  ];

  it('a cookie-carried write from another site is never executed, whatever the cookie header or Authorization header look like', async () => {
    const before = await digestTables(server.services.db);
    for (const [cookieLabel, header] of cookieHeaders) {
      for (const [siteLabel, site] of crossSite) {
        for (const [authLabel, authorization] of unusableAuthorization) {
          const what = `cookie ${cookieLabel}, ${siteLabel}, ${authLabel}`;
          const res = await trpcMutation(server.url, 'people.create', { firstName: 'Csrf', lastName: 'Write' }, { cookie: header(), headers: { ...site, ...authorization } });
          expect([401, 403], `${what}: ${res.status} ${res.text}`).toContain(res.status);
          // Without any Authorization header the cookie is the credential: the guard refuses it.
          if (authLabel === 'no Authorization header') expect(res.error?.data.appCode, what).toBe(AppErrorCode.CrossSiteRequest);
          // With an unusable one, it is an invalid token: the cookie never speaks instead.
          else expect(res.error?.data.appCode, what).toBe(AppErrorCode.Unauthenticated);
        }
      }
    }
    expect(await digestTables(server.services.db)).toEqual(before);
  });

  it('an empty or malformed Authorization header is an invalid token even for a same-origin caller with a valid cookie', async () => {
    for (const [label, authorization] of unusableAuthorization.slice(1)) {
      const me = await trpcQuery(server.url, 'auth.me', undefined, { cookie: `${A}=${cookies.access}`, headers: { 'sec-fetch-site': 'same-origin', ...authorization } });
      expect(me.status, `${label}: ${me.text}`).toBe(401);
      expect(me.error?.data.appCode).toBe(AppErrorCode.Unauthenticated);
    }
    // The same cookie alone works: it was never the cookie that failed.
    expect((await trpcQuery(server.url, 'auth.me', undefined, { cookie: `${A}=${cookies.access}`, headers: { 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
  });

  it('a cookie holding JSON (cookie-parser’s "j:" form) is an unusable token, not an object slipped past a check', async () => {
    const res = await trpcQuery(server.url, 'auth.me', undefined, { cookie: `${A}=j:${encodeURIComponent('{"sub":"x"}')}`, headers: { 'sec-fetch-site': 'same-origin' } });
    expect(res.status, res.text).toBe(401);
  });

  it('a cross-site refresh riding on the refresh cookie is refused even when it also carries a valid bearer token, and the session lives on', async () => {
    const victim = await signUp(server);
    const browser = await browserSession(victim);
    const res = await trpcMutation(server.url, 'auth.refresh', undefined, {
      token: victim.accessToken,
      cookie: `${AUTH_COOKIES.refresh}=${browser.refresh}`,
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(res.status, res.text).toBe(403);
    expect(res.error?.data.appCode).toBe(AppErrorCode.CrossSiteRequest);
    // Not rotated: the browser's refresh token is still the current one.
    const again = await trpcMutation<BearerAuthResult>(server.url, 'auth.refresh', { refreshToken: browser.refresh });
    expect(again.status, again.text).toBe(200);
  });
});

describe(`a caller that looks like a browser never gets tokens in the body (${testDbKind()})`, () => {
  const browserish: [string, (url: string) => Record<string, string>][] = [
    ['Origin only', (url) => ({ origin: url })],
    ['Sec-Fetch-Site only', () => ({ 'sec-fetch-site': 'same-origin' })],
    ['Sec-Fetch-Mode: navigate only', () => ({ 'sec-fetch-mode': 'navigate' })],
    ['Sec-Fetch-Mode: same-origin only', () => ({ 'sec-fetch-mode': 'same-origin' })],
    ['Sec-Fetch-Dest only', () => ({ 'sec-fetch-dest': 'empty' })],
    ['Sec-Fetch-User only', () => ({ 'sec-fetch-user': '?1' })],
  ];

  /** A POST with exactly these headers (Node's fetch would add a Sec-Fetch-Mode of its own). */
  function postExactly(path: string, input: unknown, headers: Record<string, string>) {
    const body = JSON.stringify(input);
    return new Promise<{ status: number; text: string; data: AuthResult; cookies: SetCookie[] }>((resolve, reject) => {
      const req = request(`${server.url}/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            const data = (JSON.parse(text) as { result?: { data?: AuthResult } }).result?.data as AuthResult;
            resolve({ status: res.statusCode ?? 0, text, data, cookies: (res.headers['set-cookie'] ?? []).map(parseSetCookie) });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it.each(browserish)('%s: signup, login and refresh answer without token fields (the cookies carry them)', async (_label, headersFor) => {
    const headers = headersFor(server.url);
    const account = await signUp(server);
    const signup = await postExactly('auth.signup', { email: `b.${account.email}`, password: account.password }, headers);
    const login = await postExactly('auth.login', { email: account.email, password: account.password }, headers);
    const refresh = await postExactly('auth.refresh', { refreshToken: account.refreshToken }, headers);
    for (const [what, res] of [['signup', signup], ['login', login], ['refresh', refresh]] as const) {
      expect(res.status, `${what}: ${res.text}`).toBe(200);
      expect(Object.keys(res.data).sort(), what).toEqual(['accessTokenExpiresAt', 'refreshTokenExpiresAt', 'user']);
      const set = res.cookies.filter((c) => c.value !== '');
      expect(set.map((c) => c.name).sort(), what).toEqual([AUTH_COOKIES.access, AUTH_COOKIES.refresh].sort());
      for (const cookie of set) expect(res.text, what).not.toContain(cookie.value);
    }
  });

  it('a client with neither Origin nor Fetch Metadata (mobile, CLI, services) gets its tokens, Node’s fetch included (it adds a lone Sec-Fetch-Mode: cors)', async () => {
    const account = await signUp(server);
    for (const headers of [{}, { 'sec-fetch-mode': 'cors' }] as Record<string, string>[]) {
      const login = await postExactly('auth.login', { email: account.email, password: account.password }, headers);
      expect(login.data.accessToken?.split('.'), JSON.stringify(headers)).toHaveLength(3);
      expect(sessionIdOf(login.data.refreshToken ?? ''), JSON.stringify(headers)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe(`a token of a session that has ended has no power over other sessions (${testDbKind()})`, () => {
  /** An account with three sessions; the first is ended by `end`, the other two must survive every attempt. */
  async function endedAndLive(end: (account: Account, ended: BearerAuthResult) => Promise<void>) {
    const account = await signUp(server);
    const ended = await logIn(server, account);
    const live = [account.auth, await logIn(server, account)];
    await end(account, ended);
    expect(await isLive(sessionIdOf(ended.refreshToken))).toBe(false);
    return { account, ended, live };
  }

  const endings: [string, (account: Account, ended: BearerAuthResult) => Promise<void>][] = [
    ['signed out', async (_a, ended) => void (await trpcMutation(server.url, 'auth.logout', undefined, { token: ended.accessToken }))],
    ['revoked from another device', async (account, ended) => void (await trpcMutation(server.url, 'auth.revokeSession', { sessionId: sessionIdOf(ended.refreshToken) }, { token: account.accessToken }))],
    [
      'expired (absolute lifetime over while its access token is still valid)',
      async (_a, ended) => void (await sql`update sessions set expires_at = now() - interval '1 second' where id = ${sessionIdOf(ended.refreshToken)}`.execute(server.services.db)),
    ],
  ];

  it.each(endings)('%s: "log out everywhere" with its access token ends no other session (bearer and cookie)', async (_label, end) => {
    for (const transport of ['bearer', 'cookie'] as const) {
      const { ended, live } = await endedAndLive(end);
      const res =
        transport === 'bearer'
          ? await trpcMutation(server.url, 'auth.logout', { allDevices: true }, { token: ended.accessToken })
          : await trpcMutation(server.url, 'auth.logout', { allDevices: true }, { cookie: `${AUTH_COOKIES.access}=${ended.accessToken}`, headers: { 'sec-fetch-site': 'same-origin' } });
      // At most its own cookies are cleared; the answer is the idempotent sign-out.
      expect(res.status, `${transport}: ${res.text}`).toBe(200);
      for (const session of live) {
        expect(await isLive(sessionIdOf(session.refreshToken)), transport).toBe(true);
        expect((await trpcQuery(server.url, 'auth.me', undefined, { token: session.accessToken })).status, transport).toBe(200);
      }
    }
  });

  it.each(endings)('%s: its access token cannot revoke another session or change anything', async (_label, end) => {
    const { ended, live } = await endedAndLive(end);
    const before = await digestTables(server.services.db);
    const other = sessionIdOf(live[1]?.refreshToken ?? '');
    const attempts: [string, Promise<CallResult>][] = [
      ['auth.revokeSession', trpcMutation(server.url, 'auth.revokeSession', { sessionId: other }, { token: ended.accessToken })],
      ['auth.sessions', trpcQuery(server.url, 'auth.sessions', undefined, { token: ended.accessToken })],
      ['people.create', trpcMutation(server.url, 'people.create', { firstName: 'Ended', lastName: 'Session' }, { token: ended.accessToken })],
    ];
    for (const [what, pending] of attempts) {
      const res = await pending;
      expect(res.status, `${what}: ${res.text}`).toBe(401);
      expect(res.error?.data.appCode, what).toBe(AppErrorCode.SessionRevoked);
    }
    expect(await digestTables(server.services.db)).toEqual(before);
    expect(await isLive(other)).toBe(true);
  });
});
