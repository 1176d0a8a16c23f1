import { AppErrorCode, AUTH_COOKIES, type BearerAuthResult, ErrorMessages } from '@app/contracts';
import {
  type Account,
  attackerRsaToken,
  BrowserLikeClient,
  type CallResult,
  type Claims,
  claimsOf,
  hmacToken,
  sessionIdOf,
  signUp,
  startTestServer,
  TEST_JWT_SECRET,
  type TestServer,
  testDbKind,
  trpcMutation,
  trpcQuery,
  unsignedToken,
  withEditedPayload,
} from '@app/server-testing';
import { sql } from 'kysely';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestTables } from './support/table-snapshot';

/**
 * Attacks on the tokens, each tried against every kind of protected procedure (reads, writes,
 * admin writes, over bearer and over cookie): all are 401 with one message that says nothing about
 * which check failed, and none changes a row. The refresh side: no guess, splice or replay by
 * someone without the current secret refreshes or revokes a session.
 */

const LEAKY_WORDS = /jwt|jsonwebtoken|signature|algorithm|\balg\b|expired|audience|issuer|\bnbf\b|\bexp\b|malformed|invalid token|\bsid\b|\btyp\b|secret|stack/i;

interface Attacker {
  result: Account;
  claims: Claims;
}

/** The parts of a 401 an attacker sees: status, message, appCode; nothing else may differ. */
function expectOpaque401(res: CallResult, what: string, appCodes: string[] = [AppErrorCode.Unauthenticated]): void {
  expect(res.status, `${what}: ${res.text}`).toBe(401);
  expect(res.error?.message, what).toBe(ErrorMessages.unauthenticated);
  expect(appCodes, what).toContain(res.error?.data.appCode);
  expect(res.text.replace(ErrorMessages.unauthenticated, ''), what).not.toMatch(LEAKY_WORDS);
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe(`access-token attacks (${testDbKind()})`, () => {
  let victim: Attacker;
  let other: Account;
  let revoked: Account;
  let personId: number;

  beforeAll(async () => {
    const result = await signUp(server);
    victim = { result, claims: claimsOf(result.accessToken) };
    other = await signUp(server);
    revoked = await signUp(server);
    expect((await trpcMutation(server.url, 'auth.logout', undefined, { token: revoked.accessToken })).status).toBe(200);
    const person = await trpcMutation<{ id: number }>(server.url, 'people.create', { firstName: 'Target', lastName: 'Row' }, { token: victim.result.accessToken });
    personId = person.data.id;
  });

  const now = () => Math.floor(Date.now() / 1000);
  const hs256 = { alg: 'HS256', typ: 'JWT' };
  const resign = (edit: (c: Claims) => Claims) => hmacToken(hs256, edit({ ...victim.claims }), TEST_JWT_SECRET);
  const without = (key: string) => (c: Claims) => {
    const copy = { ...c };
    delete copy[key];
    return copy;
  };

  /** name → forged token; all must be refused. */
  const attacks: [string, () => string][] = [
    ['signed with another secret', () => hmacToken(hs256, victim.claims, `another-secret-${randomBytes(24).toString('hex')}`)],
    ['alg: none, empty signature', () => unsignedToken({ alg: 'none', typ: 'JWT' }, victim.claims)],
    ['alg: "None", empty signature', () => unsignedToken({ alg: 'None', typ: 'JWT' }, victim.claims)],
    ['alg: "NONE", the genuine signature kept', () => unsignedToken({ alg: 'NONE' }, victim.claims, victim.result.accessToken.split('.')[2])],
    ['header swapped to HS512, signed with the real secret', () => hmacToken({ alg: 'HS512', typ: 'JWT' }, victim.claims, TEST_JWT_SECRET, 'sha512')],
    ['header swapped to HS384, signed with the real secret', () => hmacToken({ alg: 'HS384', typ: 'JWT' }, victim.claims, TEST_JWT_SECRET, 'sha384')],
    ['header says RS256 over an HMAC-SHA256 signature with the real secret', () => hmacToken({ alg: 'RS256', typ: 'JWT' }, victim.claims, TEST_JWT_SECRET)],
    ['RS256 signed by an attacker key embedded as jwk', () => attackerRsaToken(victim.claims)],
    ['header says ES256, signature is junk', () => unsignedToken({ alg: 'ES256', typ: 'JWT' }, victim.claims, randomBytes(64).toString('base64url'))],
    ['typ claim missing (real secret)', () => resign(without('typ'))],
    ['typ claim "refresh" (real secret)', () => resign((c) => ({ ...c, typ: 'refresh' }))],
    ['typ claim "Access" (real secret)', () => resign((c) => ({ ...c, typ: 'Access' }))],
    ['aud of another audience (real secret)', () => resign((c) => ({ ...c, aud: 'app-admin' }))],
    ['aud missing (real secret)', () => resign(without('aud'))],
    ['iss of another issuer (real secret)', () => resign((c) => ({ ...c, iss: 'evil-issuer' }))],
    ['iss missing (real secret)', () => resign(without('iss'))],
    ['sid of a session that never existed (real secret)', () => resign((c) => ({ ...c, sid: randomUUID() }))],
    ["sid of another user's session (real secret)", () => resign((c) => ({ ...c, sid: claimsOf(other.accessToken)['sid'] }))],
    ["sub of another user (real secret)", () => resign((c) => ({ ...c, sub: other.user.id }))],
    ['sid missing (real secret)', () => resign(without('sid'))],
    ['expired an hour ago (real secret)', () => resign((c) => ({ ...c, iat: now() - 4_500, exp: now() - 3_600 }))],
    ['expired one second ago (real secret)', () => resign((c) => ({ ...c, exp: now() - 1 }))],
    ['not valid before an hour from now (real secret)', () => resign((c) => ({ ...c, nbf: now() + 3_600 }))],
    ['no exp claim (real secret)', () => resign(without('exp'))],
    ['exp as a string (real secret)', () => resign((c) => ({ ...c, exp: String(now() + 600) }))],
    ['role raised to admin without re-signing', () => withEditedPayload(victim.result.accessToken, (c) => ({ ...c, role: 'admin' }))],
    ['sub changed without re-signing', () => withEditedPayload(victim.result.accessToken, (c) => ({ ...c, sub: other.user.id }))],
    ['signature truncated by one character', () => victim.result.accessToken.slice(0, -1)],
    ['signature removed, dot kept', () => victim.result.accessToken.slice(0, victim.result.accessToken.lastIndexOf('.') + 1)],
    ['only header and payload', () => victim.result.accessToken.slice(0, victim.result.accessToken.lastIndexOf('.'))],
    ['first half of the token', () => victim.result.accessToken.slice(0, Math.floor(victim.result.accessToken.length / 2))],
    ['an extra segment appended', () => `${victim.result.accessToken}.${victim.result.accessToken.split('.')[2]}`],
    ['10 KB, signed with the real secret', () => resign((c) => ({ ...c, pad: 'x'.repeat(10_240) }))],
    ['10 KB of base64url junk', () => randomBytes(7_680).toString('base64url')],
    ['the refresh token as an access token', () => victim.result.refreshToken],
  ];

  it.each(attacks)('%s: 401 on reads, writes and admin writes, over bearer and cookie, with one opaque message', async (_name, forge) => {
    const token = forge();
    const before = await digestTables(server.services.db);
    const calls: [string, Promise<CallResult>][] = [
      ['me', trpcQuery(server.url, 'auth.me', undefined, { token })],
      ['people.list', trpcQuery(server.url, 'people.list', {}, { token })],
      ['people.create', trpcMutation(server.url, 'people.create', { firstName: 'Forged', lastName: 'Write' }, { token })],
      ['people.update', trpcMutation(server.url, 'people.update', { id: personId, firstName: 'Forged', lastName: 'Edit' }, { token })],
      ['people.delete', trpcMutation(server.url, 'people.delete', { id: personId }, { token })],
      ['users.setRole', trpcMutation(server.url, 'users.setRole', { userId: victim.result.user.id, role: 'admin' }, { token })],
      ['auth.revokeSession', trpcMutation(server.url, 'auth.revokeSession', { sessionId: claimsOf(other.accessToken)['sid'] }, { token })],
    ];
    const browser = new BrowserLikeClient(server.url);
    browser.setCookieValue(AUTH_COOKIES.access, token);
    calls.push(['me (cookie)', browser.query('auth.me')], ['people.create (cookie)', browser.mutation('people.create', { firstName: 'Forged', lastName: 'Cookie' })]);

    for (const [what, pending] of calls) expectOpaque401(await pending, what);
    expect(await digestTables(server.services.db)).toEqual(before);
  });

  it('a genuine token of a revoked session: 401 everywhere, the same message (appCode says revoked)', async () => {
    const before = await digestTables(server.services.db);
    const token = revoked.accessToken;
    for (const [what, res] of [
      ['me', await trpcQuery(server.url, 'auth.me', undefined, { token })],
      ['people.create', await trpcMutation(server.url, 'people.create', { firstName: 'Revoked', lastName: 'Write' }, { token })],
      ['users.setRole', await trpcMutation(server.url, 'users.setRole', { userId: revoked.user.id, role: 'admin' }, { token })],
    ] as const) {
      expectOpaque401(res, what, [AppErrorCode.SessionRevoked]);
    }
    expect(await digestTables(server.services.db)).toEqual(before);
  });

  it('after every attack the genuine tokens still work and the target row is intact', async () => {
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: victim.result.accessToken })).status).toBe(200);
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: other.accessToken })).status).toBe(200);
    const person = await trpcQuery<{ firstName: string }>(server.url, 'people.byId', { id: personId }, { token: victim.result.accessToken });
    expect(person.data.firstName).toBe('Target');
    const role = await sql<{ role: string }>`select role from users where id = ${victim.result.user.id}`.execute(server.services.db);
    expect(role.rows[0]?.role).toBe('user');
  });
});

describe(`refresh-token attacks (${testDbKind()})`, () => {
  const refresh = (refreshToken: string) => trpcMutation<BearerAuthResult>(server.url, 'auth.refresh', { refreshToken });
  const secretOf = (token: string) => token.slice(token.indexOf('.') + 1);

  function expectRefused(res: CallResult, what: string): void {
    expect(res.status, `${what}: ${res.text}`).toBe(401);
    expect(res.error?.message, what).toBe(ErrorMessages.refreshInvalid);
    expect(res.error?.data.appCode, what).toBe(AppErrorCode.RefreshInvalid);
    expect(res.text.replace(ErrorMessages.refreshInvalid, ''), what).not.toMatch(LEAKY_WORDS);
  }

  async function isLive(sessionId: string): Promise<boolean> {
    const { rows } = await sql<{ revoked_at: Date | null }>`select revoked_at from sessions where id = ${sessionId}`.execute(server.services.db);
    return rows.length === 1 && rows[0]?.revoked_at === null;
  }

  it("valid session id with wrong secrets (random, another session's current, another session's rotated-away) refreshes nothing and revokes nothing", async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    // Alice rotates twice, so she has an old secret of her own chain to splice in.
    const aliceOld = alice.refreshToken;
    const a1 = await refresh(alice.refreshToken);
    const a2 = await refresh(a1.data.refreshToken);
    expect(a2.status).toBe(200);
    const bobSession = sessionIdOf(bob.refreshToken);

    const attempts: [string, string][] = [
      ['random secret on bob’s session', `${bobSession}.${randomBytes(32).toString('base64url')}`],
      ['alice’s current secret on bob’s session', `${bobSession}.${secretOf(a2.data.refreshToken)}`],
      ['alice’s rotated-away secret on bob’s session', `${bobSession}.${secretOf(aliceOld)}`],
      ['bob’s secret on a session that does not exist', `${randomUUID()}.${secretOf(bob.refreshToken)}`],
      ['bob’s token with the session id upper-cased', bob.refreshToken.replace(bobSession, bobSession.toUpperCase())],
      ['bob’s token with one more character', `${bob.refreshToken}A`],
      ['bob’s token with its last character changed', `${bob.refreshToken.slice(0, -1)}${bob.refreshToken.endsWith('A') ? 'B' : 'A'}`],
      ['bob’s token with the halves swapped', `${secretOf(bob.refreshToken)}.${bobSession}`],
      ['bob’s access token', bob.accessToken.slice(0, 200)],
    ];
    for (const [what, token] of attempts) expectRefused(await refresh(token), what);

    // Nobody was logged out by any of that: both sessions still refresh.
    expect(await isLive(bobSession)).toBe(true);
    expect(await isLive(sessionIdOf(alice.refreshToken))).toBe(true);
    expect((await refresh(bob.refreshToken)).status).toBe(200);
    expect((await refresh(a2.data.refreshToken)).status).toBe(200);
  });

  it('a token spliced from another user’s session id and my secret, sent with my valid bearer token, is refused and revokes nothing', async () => {
    const alice = await signUp(server);
    const bob = await signUp(server);
    // Alice holds her own bearer token and presents a garbled copy of Bob's refresh token.
    const res = await trpcMutation(server.url, 'auth.refresh', { refreshToken: `${sessionIdOf(bob.refreshToken)}.${secretOf(alice.refreshToken)}` }, { token: alice.accessToken });
    expectRefused(res, 'spliced token with a valid bearer');
    expect(await isLive(sessionIdOf(bob.refreshToken))).toBe(true);
  });

  it('tokens of logged-out and expired sessions, and 10 KB tokens, are refused', async () => {
    const loggedOut = await signUp(server);
    await trpcMutation(server.url, 'auth.logout', undefined, { token: loggedOut.accessToken });
    expectRefused(await refresh(loggedOut.refreshToken), 'logged out');

    const expired = await signUp(server);
    await sql`update sessions set expires_at = now() - interval '1 second' where id = ${sessionIdOf(expired.refreshToken)}`.execute(server.services.db);
    expectRefused(await refresh(expired.refreshToken), 'expired session');
    const me = await trpcQuery(server.url, 'auth.me', undefined, { token: expired.accessToken });
    expect(me.status).toBe(401);

    // In the cookie (no input schema in the way) a 10 KB token is a plain refusal.
    const huge = `${sessionIdOf(expired.refreshToken)}.${'A'.repeat(10_240)}`;
    const browser = new BrowserLikeClient(server.url);
    browser.setCookieValue(AUTH_COOKIES.refresh, huge, AUTH_COOKIES.refreshPath);
    expectRefused(await browser.mutation('auth.refresh'), '10 KB cookie');
    // In the body the contract caps it at 200 characters: a 400 with a readable reason, not a 5xx.
    const inBody = await refresh(huge);
    expect(inBody.status).toBe(400);
    expect(inBody.error?.message).toMatch(/Refresh token is malformed/);
  });
});
