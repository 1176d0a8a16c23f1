import { AppErrorCode, AUTH_COOKIES, ErrorMessages, type User } from '@app/contracts';
import {
  type Account,
  BrowserLikeClient,
  type CallResult,
  claimsOf,
  sessionIdOf,
  signToken,
  signUp,
  startTestServer,
  TEST_JWT_SECRET,
  type TestServer,
  trpcMutation,
  trpcQuery,
  unsignedToken,
  withEditedPayload,
} from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessClaims, createPerson, expectError } from './support';

const OTHER_SECRET = 'another-secret-that-is-also-long-enough-0123456789';

let server: TestServer;
let account: Account;
let sessionId: string;

beforeAll(async () => {
  server = await startTestServer();
  account = await signUp(server);
  sessionId = sessionIdOf(account.refreshToken);
});
afterAll(async () => {
  await server?.close();
});

async function meWith(token: string) {
  return trpcQuery<User>(server.url, 'auth.me', undefined, { token });
}

function expectRejected(res: CallResult) {
  expectError(res, 401, AppErrorCode.Unauthenticated);
  expect(res.error?.message).toBe(ErrorMessages.unauthenticated);
  expect(res.error?.data.code).toBe('UNAUTHORIZED');
}

describe('a genuine access token', () => {
  it('is accepted, and a hand-signed token with the right key and claims is too (control case)', async () => {
    expect((await meWith(account.accessToken)).data).toEqual(account.user);
    const handMade = signToken(accessClaims(account.user.id, sessionId), TEST_JWT_SECRET);
    const res = await meWith(handMade);
    expect(res.status, res.text).toBe(200);
    expect(res.data).toEqual(account.user);
  });

  it('carries sub, sid, role, typ, iss, aud and a 15-minute exp, signed HS256', () => {
    const [header = ''] = account.accessToken.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
    const claims = claimsOf(account.accessToken);
    expect(claims).toMatchObject({ sub: account.user.id, sid: sessionId, role: 'user', typ: 'access', iss: 'app-api', aud: 'app-web' });
    expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(900);
  });
});

describe('access tokens that must be refused with 401', () => {
  it('no token at all', async () => {
    expectRejected(await trpcQuery(server.url, 'auth.me'));
  });

  it('a forged signature (right claims, another key)', async () => {
    expectRejected(await meWith(signToken(accessClaims(account.user.id, sessionId), OTHER_SECRET)));
  });

  it('a genuine token with its signature altered', async () => {
    const [header, payload, signature = ''] = account.accessToken.split('.');
    const flipped = `${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    expectRejected(await meWith(`${header}.${payload}.${flipped}`));
  });

  it('a genuine token with its payload altered (role raised to admin)', async () => {
    expectRejected(await meWith(withEditedPayload(account.accessToken, () => accessClaims(account.user.id, sessionId, 'admin'))));
  });

  it.each(['none', 'None', 'NONE'])('alg: %s (unsigned)', async (alg) => {
    expectRejected(await meWith(unsignedToken({ alg, typ: 'JWT' }, accessClaims(account.user.id, sessionId))));
  });

  it('alg: none with a genuine token’s signature left on', async () => {
    const signature = account.accessToken.split('.')[2];
    expectRejected(await meWith(unsignedToken({ alg: 'none', typ: 'JWT' }, claimsOf(account.accessToken), signature)));
  });

  it.each(['HS384', 'HS512'] as const)('another HMAC algorithm (%s) with the right key', async (alg) => {
    expectRejected(await meWith(signToken(accessClaims(account.user.id, sessionId), TEST_JWT_SECRET, alg)));
  });

  it('expired (right key and claims, exp in the past)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { ...accessClaims(account.user.id, sessionId), iat: now - 1000, exp: now - 10 };
    expectRejected(await meWith(signToken(claims, TEST_JWT_SECRET)));
  });

  it('not yet valid (nbf in the future)', async () => {
    const claims = { ...accessClaims(account.user.id, sessionId), nbf: Math.floor(Date.now() / 1000) + 600 };
    expectRejected(await meWith(signToken(claims, TEST_JWT_SECRET)));
  });

  it.each<[string, Record<string, unknown>]>([
    ['typ: refresh', { typ: 'refresh' }],
    ['typ missing', { typ: undefined }],
    ['wrong aud', { aud: 'someone-else' }],
    ['aud missing', { aud: undefined }],
    ['wrong iss', { iss: 'https://evil.example' }],
    ['iss missing', { iss: undefined }],
    ['exp missing', { exp: undefined }],
    ['sid missing', { sid: undefined }],
    ['sub missing', { sub: undefined }],
    ['an unknown role', { role: 'superuser' }],
  ])('right key, wrong claims: %s', async (_label, change) => {
    const claims = { ...accessClaims(account.user.id, sessionId), ...change };
    for (const key of Object.keys(change)) if (change[key] === undefined) delete claims[key];
    expectRejected(await meWith(signToken(claims, TEST_JWT_SECRET)));
  });

  it('right key, but the session belongs to another user', async () => {
    const other = await signUp(server);
    expectRejected(await meWith(signToken(accessClaims(account.user.id, sessionIdOf(other.refreshToken)), TEST_JWT_SECRET)));
    expectRejected(await meWith(signToken(accessClaims(other.user.id, sessionId), TEST_JWT_SECRET)));
  });

  it('right key, but no such session', async () => {
    expectRejected(await meWith(signToken(accessClaims(account.user.id, crypto.randomUUID()), TEST_JWT_SECRET)));
  });

  it('a refresh token presented as a bearer access token', async () => {
    expectRejected(await meWith(account.refreshToken));
  });

  it('a refresh token presented in the access cookie', async () => {
    const res = await trpcQuery(server.url, 'auth.me', undefined, { cookie: `${AUTH_COOKIES.access}=${encodeURIComponent(account.refreshToken)}` });
    expectRejected(res);
  });

  it('garbage, an empty bearer and an oversized token', async () => {
    expectRejected(await meWith('not-a-jwt'));
    expectRejected(await meWith('a.b.c'));
    expectRejected(await trpcQuery(server.url, 'auth.me', undefined, { headers: { authorization: 'Bearer ' } }));
    expectRejected(await meWith(`${account.accessToken}${'A'.repeat(3000)}`));
  });

  it('a malformed Authorization header never falls back to a valid cookie', async () => {
    const res = await trpcQuery(server.url, 'auth.me', undefined, {
      cookie: `${AUTH_COOKIES.access}=${account.accessToken}`,
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expectRejected(res);
  });
});

describe('the database, not the token, decides the role', () => {
  it('a user’s token re-signed with role: admin (right key) still gets 403 on an admin procedure', async () => {
    const person = await createPerson(server, account.accessToken, 'Role', 'Claim');
    const elevated = signToken(accessClaims(account.user.id, sessionId, 'admin'), TEST_JWT_SECRET);
    const res = await trpcMutation(server.url, 'people.delete', { id: person.id }, { token: elevated });
    expectError(res, 403, AppErrorCode.Forbidden);
  });
});

describe('tokens refused over cookies as well', () => {
  it('a forged access cookie is 401 for a browser', async () => {
    const browser = new BrowserLikeClient(server.url);
    browser.setCookieValue(AUTH_COOKIES.access, signToken(accessClaims(account.user.id, sessionId), OTHER_SECRET));
    expectRejected(await browser.query('auth.me'));
  });
});
