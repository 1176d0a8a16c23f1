import { AppErrorCode, type BearerAuthResult, ErrorMessages, type OkResult, type Session } from '@app/contracts';
import {
  type Account,
  claimsOf,
  logIn,
  sessionIdOf,
  signToken,
  signUp,
  sleep,
  startTestServer,
  testConfig,
  TEST_JWT_SECRET,
  type TestServer,
  testDbKind,
  trpcMutation,
  trpcQuery,
} from '@app/server-testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSessionLive, randomB64, wrongRefreshTokens } from './support/aged-session';
import { digestTables } from './support/table-snapshot';

/**
 * Signing out must end the server's session even when the access token has expired or a refresh
 * fails, for bearer clients too (the typed client, the CLI, mobile apps). They have no refresh
 * cookie: they send their refresh token in the body of `auth.logout`, and the server ends the
 * session a *genuine* one names, exactly as it does for a browser's refresh cookie (see
 * sign-out-by-refresh-cookie.spec.ts). No refresh is needed first. A wrong token in the body ends
 * nothing and says nothing; a genuine rotated-away one is reuse.
 */
let server: TestServer;
beforeAll(async () => {
  // Access tokens live 15 minutes here, so every live token stays live during a test; an expired
  // one is `expired` below. The rate-limit case waits for real expiry on its own server.
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/**
 * The device's access token as it is once its lifetime is over: the same claims, signed with the
 * server's key, issued and expired a minute or two ago (indistinguishable from the server's own).
 */
function expired(accessToken: string): string {
  const now = Math.floor(Date.now() / 1000);
  return signToken({ ...claimsOf(accessToken), iat: now - 120, exp: now - 60 }, TEST_JWT_SECRET);
}

/** `auth.logout` as a bearer client sends it: the access token (if any) in `Authorization`, no cookie. */
const logout = (input: unknown, accessToken?: string) => trpcMutation<OkResult>(server.url, 'auth.logout', input, { token: accessToken });

const refreshBy = (refreshToken: string) => trpcMutation<BearerAuthResult>(server.url, 'auth.refresh', { refreshToken });

async function generationOf(sessionId: string): Promise<number> {
  const row = await server.services.db.selectFrom('sessions').select('generation').where('id', '=', sessionId).executeTakeFirstOrThrow();
  return row.generation;
}

/** The user's auth events of one type, oldest first. */
async function eventsOf(userId: string, type: string) {
  return server.services.db.selectFrom('auth_events').select(['detail']).where('user_id', '=', userId).where('type', '=', type).orderBy('id').execute();
}

async function eventCount(): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*)::text as n from auth_events`.execute(server.services.db);
  return Number(rows[0]?.n);
}

/** The session ids another device of the user sees in its list. */
async function listedBy(device: BearerAuthResult): Promise<string[]> {
  const res = await trpcQuery<Session[]>(server.url, 'auth.sessions', undefined, { token: device.accessToken });
  expect(res.status, res.text).toBe(200);
  return res.data.map((session) => session.id);
}

describe(`a bearer client signs out by its refresh token when the access token has expired (${testDbKind()})`, () => {
  it('one auth.logout with the expired access token and the refresh token in the body: 200, the session revoked and gone from another device’s list, its refresh token refused, the sign-out recorded, nothing rotated', async () => {
    const account = await signUp(server);
    const sessionId = sessionIdOf(account.refreshToken);
    const phone = await logIn(server, account);
    expect(await listedBy(phone)).toContain(sessionId);
    const accessToken = expired(account.accessToken);
    // The expired access token alone cannot sign out: the 401 after which a client would have to refresh.
    expect((await logout({}, accessToken)).status).toBe(401);
    expect(await isSessionLive(server, sessionId)).toBe(true);

    const res = await logout({ refreshToken: account.refreshToken }, accessToken);
    expect(res.status, res.text).toBe(200);
    expect(res.data).toEqual({ ok: true });
    expect(await isSessionLive(server, sessionId)).toBe(false);
    // No refresh happened on the way: the session was never rotated.
    expect(await generationOf(sessionId)).toBe(0);
    const after = await refreshBy(account.refreshToken);
    expect(after.status).toBe(401);
    expect(after.error?.data.appCode).toBe(AppErrorCode.RefreshInvalid);
    expect(await eventsOf(account.user.id, 'signed_out')).toEqual([{ detail: { sessionId, allDevices: false } }]);
    // The phone's session goes on, and its list no longer shows the ended one.
    expect(await listedBy(phone)).toEqual([sessionIdOf(phone.refreshToken)]);

    // Idempotent: the same call again signs out (nothing is left to end) and records nothing more.
    expect((await logout({ refreshToken: account.refreshToken }, accessToken)).status).toBe(200);
    expect(await eventsOf(account.user.id, 'signed_out')).toHaveLength(1);
  });

  it('with no access token at all and allDevices, every session of the user ends; another user’s do not', async () => {
    const account = await signUp(server);
    const laptop = await logIn(server, account);
    const phone = await logIn(server, account);
    const stranger = await signUp(server);
    const sessionIds = [account.refreshToken, laptop.refreshToken, phone.refreshToken].map(sessionIdOf);

    const res = await logout({ refreshToken: account.refreshToken, allDevices: true });
    expect(res.status, res.text).toBe(200);
    for (const id of sessionIds) expect(await isSessionLive(server, id)).toBe(false);
    for (const token of [laptop.refreshToken, phone.refreshToken]) expect((await refreshBy(token)).status).toBe(401);
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: phone.accessToken })).status).toBe(401);
    expect(await eventsOf(account.user.id, 'signed_out')).toEqual([{ detail: { sessionId: sessionIds[0], allDevices: true } }]);
    expect(await isSessionLive(server, sessionIdOf(stranger.refreshToken))).toBe(true);
    expect((await refreshBy(stranger.refreshToken)).status).toBe(200);
  });

  it('even when the refresh fails (rate-limited), the refresh token in the body still ends the session', async () => {
    // Its own server, where the access token really runs out (1 s) and one refresh a minute is allowed.
    const limited = await startTestServer({
      kind: server.kind,
      config: { accessTokenTtlMs: 1_000, rateLimits: { ...testConfig().rateLimits, refreshPerIp: { max: 1, windowMs: 60_000 } } },
    });
    try {
      const account = await signUp(limited);
      await sleep(Math.max(0, Date.parse(account.auth.accessTokenExpiresAt) - Date.now()) + 150);
      expect((await trpcQuery(limited.url, 'auth.me', undefined, { token: account.accessToken })).status).toBe(401);
      expect((await trpcMutation(limited.url, 'auth.refresh', { refreshToken: 'garbage' })).status).toBe(401);
      const refresh = await trpcMutation(limited.url, 'auth.refresh', { refreshToken: account.refreshToken });
      expect(refresh.status, refresh.text).toBe(429);
      const res = await trpcMutation(limited.url, 'auth.logout', { refreshToken: account.refreshToken }, { token: account.accessToken });
      expect(res.status, res.text).toBe(200);
      const { rows } = await sql<{ revoked: boolean }>`select revoked_at is not null as revoked from sessions where id = ${sessionIdOf(account.refreshToken)}`.execute(
        limited.services.db,
      );
      expect(rows[0]?.revoked).toBe(true);
    } finally {
      await limited.close();
    }
  });

  it('a genuine but rotated-away refresh token (outside the grace window) of another session is reuse: it ends only that session, whatever allDevices says', async () => {
    const account = await signUp(server);
    const other = await logIn(server, account);
    const rotated = await refreshBy(account.refreshToken);
    expect(rotated.status).toBe(200);
    expect((await refreshBy(rotated.data.refreshToken)).status).toBe(200); // two rotations on: the first token is plain reuse
    const sessionId = sessionIdOf(account.refreshToken);

    const res = await logout({ refreshToken: account.refreshToken, allDevices: true }, expired(other.accessToken));
    expect(res.status, res.text).toBe(200);
    expect(await isSessionLive(server, sessionId)).toBe(false);
    expect(await eventsOf(account.user.id, 'refresh_reuse_detected')).toEqual([{ detail: { sessionId } }]);
    expect(await eventsOf(account.user.id, 'signed_out')).toEqual([]);
    // The session of the caller's access token is not the one that token names: it goes on.
    expect(await isSessionLive(server, sessionIdOf(other.refreshToken))).toBe(true);
    expect((await refreshBy(other.refreshToken)).status).toBe(200);
  });

  it('inside the grace window, as for a refresh, the token replaced a moment ago is not reuse: it signs out, with allDevices every session of the user', async () => {
    const account = await signUp(server);
    const laptop = await logIn(server, account);
    const rotated = await refreshBy(account.refreshToken);
    expect(rotated.status).toBe(200);
    const sessionId = sessionIdOf(account.refreshToken);

    const res = await logout({ refreshToken: account.refreshToken, allDevices: true }, expired(rotated.data.accessToken));
    expect(res.status, res.text).toBe(200);
    expect(await isSessionLive(server, sessionId)).toBe(false);
    expect(await isSessionLive(server, sessionIdOf(laptop.refreshToken))).toBe(false);
    expect(await eventsOf(account.user.id, 'signed_out')).toEqual([{ detail: { sessionId, allDevices: true } }]);
    expect(await eventsOf(account.user.id, 'refresh_reuse_detected')).toEqual([]);
    expect((await refreshBy(rotated.data.refreshToken)).status).toBe(401);
  });
});

describe(`the access token decides when it can; another user’s refresh token gives no more than holding it does (${testDbKind()})`, () => {
  it('a live access token signs out its own session; a refresh token of another user beside it ends nothing of theirs', async () => {
    const account = await signUp(server);
    const stranger = await signUp(server);
    const res = await logout({ refreshToken: stranger.refreshToken, allDevices: true }, account.accessToken);
    expect(res.status, res.text).toBe(200);
    expect(await isSessionLive(server, sessionIdOf(account.refreshToken))).toBe(false);
    expect(await isSessionLive(server, sessionIdOf(stranger.refreshToken))).toBe(true);
    expect(await eventsOf(stranger.user.id, 'signed_out')).toEqual([]);
    expect((await refreshBy(stranger.refreshToken)).status).toBe(200);
  });

  it('with an expired access token, another user’s genuine refresh token ends that token’s session only, as refreshing and signing out with it would', async () => {
    const account = await signUp(server);
    const stranger = await signUp(server);
    const strangerPhone = await logIn(server, stranger);
    const res = await logout({ refreshToken: stranger.refreshToken }, expired(account.accessToken));
    expect(res.status, res.text).toBe(200);
    expect(await isSessionLive(server, sessionIdOf(stranger.refreshToken))).toBe(false);
    expect(await eventsOf(stranger.user.id, 'signed_out')).toEqual([{ detail: { sessionId: sessionIdOf(stranger.refreshToken), allDevices: false } }]);
    expect(await isSessionLive(server, sessionIdOf(strangerPhone.refreshToken))).toBe(true);
    expect(await isSessionLive(server, sessionIdOf(account.refreshToken))).toBe(true);
    expect(await eventsOf(account.user.id, 'signed_out')).toEqual([]);
  });
});

describe(`a wrong refresh token in the body ends nothing and tells nothing (${testDbKind()})`, () => {
  /** Tokens that name (or imitate) the session of `account` but are no genuine token of any session. */
  function wrongTokens(account: Account, stranger: Account): [string, string][] {
    const [id = '', , secret = ''] = account.refreshToken.split('.');
    const tokens = server.services.auth.refreshTokens;
    return [
      ...wrongRefreshTokens(account.refreshToken, stranger.refreshToken),
      ['a properly tagged token of the real session with a secret never issued', tokens.format(id, 0, randomB64())],
      ['the next token of the session, before a rotation issued it', tokens.format(id, 1, tokens.next(secret))],
      ['a properly tagged token of a generation not reached yet', tokens.format(id, 5, tokens.next(secret))],
    ];
  }

  it('garbage, forged and altered tokens, with the expired access token or none, with and without allDevices: 401 with the one message, no row changed, no event, the session still refreshes', async () => {
    const account = await signUp(server);
    const stranger = await signUp(server);
    const other = await logIn(server, account);
    const sessionId = sessionIdOf(account.refreshToken);
    const wrong = wrongTokens(account, stranger);
    const before = await digestTables(server.services.db);
    const eventsBefore = await eventCount();
    for (const [what, value] of wrong) {
      for (const accessToken of [expired(account.accessToken), undefined]) {
        for (const input of [{ refreshToken: value }, { refreshToken: value, allDevices: true }]) {
          const label = `${what} (${accessToken ? 'expired access token' : 'no access token'}, ${JSON.stringify(Object.keys(input))})`;
          const res = await logout(input, accessToken);
          expect(res.status, `${label}: ${res.text}`).toBe(401);
          expect(res.error?.message, label).toBe(ErrorMessages.unauthenticated);
          expect(res.error?.data.appCode, label).toBe(AppErrorCode.Unauthenticated);
          for (const secretPart of [sessionId, ...account.refreshToken.split('.').slice(2), sessionIdOf(stranger.refreshToken)]) {
            expect(res.text, label).not.toContain(secretPart);
          }
        }
      }
    }
    expect(await digestTables(server.services.db)).toEqual(before);
    expect(await eventCount()).toBe(eventsBefore);
    expect(await isSessionLive(server, sessionId)).toBe(true);
    expect(await isSessionLive(server, sessionIdOf(stranger.refreshToken))).toBe(true);
    expect((await refreshBy(account.refreshToken)).status).toBe(200);
    expect((await refreshBy(other.refreshToken)).status).toBe(200);
    expect((await refreshBy(stranger.refreshToken)).status).toBe(200);
  });

  it('tokens the contract refuses (empty, an access token, 10 KB, not a string) are a 400 like auth.refresh’s, and change nothing', async () => {
    const account = await signUp(server);
    // An access token is longer than the contract's 200 characters for a refresh token.
    expect(account.accessToken.length).toBeGreaterThan(200);
    const before = await digestTables(server.services.db);
    const eventsBefore = await eventCount();
    const refused: [string, unknown, string][] = [
      ['empty', '', 'Refresh token is required'],
      ['an access token', account.accessToken, 'Refresh token is malformed'],
      ['10 KB', 'x'.repeat(10_000), 'Refresh token is malformed'],
      ['a number', 42, ''],
      ['null', null, ''],
    ];
    for (const [what, value, message] of refused) {
      for (const accessToken of [expired(account.accessToken), undefined]) {
        const res = await logout({ refreshToken: value }, accessToken);
        expect(res.status, `${what}: ${res.text}`).toBe(400);
        expect(res.error?.data.appCode, what).toBe(AppErrorCode.InvalidInput);
        if (message) expect(res.error?.data.zodError?.fieldErrors['refreshToken'], what).toEqual([message]);
        const refresh = await trpcMutation(server.url, 'auth.refresh', { refreshToken: value });
        expect(refresh.status, `auth.refresh with ${what}`).toBe(400);
      }
    }
    expect(await digestTables(server.services.db)).toEqual(before);
    expect(await eventCount()).toBe(eventsBefore);
    expect(await isSessionLive(server, sessionIdOf(account.refreshToken))).toBe(true);
  });
});
