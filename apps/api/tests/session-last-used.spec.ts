import type { Session } from '@app/contracts';
import { type Account, logIn, sessionIdOf, signUp, startTestServer, type TestServer, trpcQuery } from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * "Last used" on the sessions list follows the calls a session makes (not only its refreshes),
 * written at most once a minute per session and process, never on the request's own time.
 */
let server: TestServer;
let account: Account;

beforeAll(async () => {
  server = await startTestServer();
  account = await signUp(server);
});
afterAll(async () => {
  await server?.close();
});

const MINUTE = 60_000;

async function setLastUsed(sessionId: string, at: Date): Promise<void> {
  await server.services.db.updateTable('sessions').set({ last_used_at: at }).where('id', '=', sessionId).execute();
}

async function lastUsedOf(sessionId: string): Promise<number> {
  const row = await server.services.db.selectFrom('sessions').select('last_used_at').where('id', '=', sessionId).executeTakeFirstOrThrow();
  return new Date(row.last_used_at).getTime();
}

describe('"last used" of a session', () => {
  it('moves when the session calls the API, shown on the sessions list', async () => {
    const device = await logIn(server, account);
    const sessionId = sessionIdOf(device.refreshToken);
    const anHourAgo = new Date(Date.now() - 60 * MINUTE);
    await setLastUsed(sessionId, anHourAgo);

    const before = Date.now();
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: device.accessToken })).status).toBe(200);
    // Written after the answer, without holding it up: wait for it to land.
    await vi.waitFor(async () => expect(await lastUsedOf(sessionId)).toBeGreaterThanOrEqual(before - 1000), { timeout: 5000 });

    const list = await trpcQuery<Session[]>(server.url, 'auth.sessions', undefined, { token: account.accessToken });
    const shown = list.data?.find((session) => session.id === sessionId);
    expect(new Date(shown?.lastUsedAt ?? 0).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('is written at most once a minute per session: further calls within the minute write nothing', async () => {
    const device = await logIn(server, account);
    const sessionId = sessionIdOf(device.refreshToken);
    // Moved back first, so the wait below sees this call's write land, not the login's own time
    // (else the write could land after the marker and look like a second one).
    await setLastUsed(sessionId, new Date(Date.now() - 60 * MINUTE));
    const before = Date.now();
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: device.accessToken })).status).toBe(200);
    await vi.waitFor(async () => expect(await lastUsedOf(sessionId)).toBeGreaterThanOrEqual(before - 1000), { timeout: 5000 });

    // Moved back by hand: calls inside the minute must leave it there.
    const marker = new Date(Date.now() - 30 * MINUTE);
    await setLastUsed(sessionId, marker);
    for (let i = 0; i < 5; i++) expect((await trpcQuery(server.url, 'auth.me', undefined, { token: device.accessToken })).status).toBe(200);
    // A write, had there been one, would have been issued with the calls; a later read sees it.
    expect((await trpcQuery(server.url, 'auth.sessions', undefined, { token: device.accessToken })).status).toBe(200);
    expect(await lastUsedOf(sessionId)).toBe(marker.getTime());
  });

  it('a refused token writes nothing', async () => {
    const device = await logIn(server, account);
    const sessionId = sessionIdOf(device.refreshToken);
    const marker = new Date(Date.now() - 30 * MINUTE);
    await setLastUsed(sessionId, marker);
    const forged = `${device.accessToken.slice(0, -2)}xx`;
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: forged })).status).toBe(401);
    expect((await trpcQuery(server.url, 'auth.me', undefined, { token: account.accessToken })).status).toBe(200);
    expect(await lastUsedOf(sessionId)).toBe(marker.getTime());
  });
});
