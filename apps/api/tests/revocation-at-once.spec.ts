import type { BearerAuthResult, User } from '@app/contracts';
import {
  type Account,
  logIn,
  sessionIdOf,
  signUp,
  startTestServer,
  type TestServer,
  trpcMutation,
  trpcQuery,
} from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAdmin } from './support';

/**
 * Sessions are kept in memory per process (the live-session cache) and dropped when the database
 * notifies a change. The notification arrives a moment after the commit, so the process that made
 * the change must drop its own copy before it answers: a call that follows the answer on the same
 * process is refused, never served from memory. Each case first makes the victim's session
 * cached (two successful calls), then changes it and calls again at once.
 */
let server: TestServer;
let admin: Account;

beforeAll(async () => {
  server = await startTestServer();
  admin = await signUpAdmin(server);
});
afterAll(async () => {
  await server?.close();
});

async function meStatus(token: string): Promise<number> {
  return (await trpcQuery<User>(server.url, 'auth.me', undefined, { token })).status;
}

/** A second session of the account (another device), its session made hot in this process. */
async function cachedSecondDevice(account: Account): Promise<BearerAuthResult> {
  const device = await logIn(server, account);
  expect(await meStatus(device.accessToken)).toBe(200);
  expect(await meStatus(device.accessToken)).toBe(200);
  return device;
}

describe('a change to sessions is seen by the next call on the same process', () => {
  it('revoking another device: that device is refused at once', async () => {
    const account = await signUp(server);
    const device = await cachedSecondDevice(account);
    const res = await trpcMutation(server.url, 'auth.revokeSession', { sessionId: sessionIdOf(device.refreshToken) }, { token: account.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(await meStatus(device.accessToken)).toBe(401);
    expect(await meStatus(account.accessToken)).toBe(200);
  });

  it('signing out: the token of the ended session is refused at once', async () => {
    const account = await signUp(server);
    const device = await cachedSecondDevice(account);
    expect((await trpcMutation(server.url, 'auth.logout', {}, { token: device.accessToken })).status).toBe(200);
    expect(await meStatus(device.accessToken)).toBe(401);
  });

  it('signing out everywhere: every device is refused at once', async () => {
    const account = await signUp(server);
    const devices = [await cachedSecondDevice(account), await cachedSecondDevice(account)];
    expect((await trpcMutation(server.url, 'auth.logout', { allDevices: true }, { token: account.accessToken })).status).toBe(200);
    for (const device of devices) expect(await meStatus(device.accessToken)).toBe(401);
  });

  it('a role change by an admin: the user’s sessions are refused at once', async () => {
    const account = await signUp(server);
    const device = await cachedSecondDevice(account);
    const res = await trpcMutation(server.url, 'users.setRole', { userId: account.user.id, role: 'admin' }, { token: admin.accessToken });
    expect(res.status, res.text).toBe(200);
    expect(await meStatus(device.accessToken)).toBe(401);
  });

  it('a password change: the other devices are refused at once', async () => {
    const account = await signUp(server);
    const device = await cachedSecondDevice(account);
    const res = await trpcMutation(
      server.url,
      'auth.changePassword',
      { currentPassword: account.password, newPassword: `${account.password}-new!` },
      { token: account.accessToken },
    );
    expect(res.status, res.text).toBe(200);
    expect(await meStatus(device.accessToken)).toBe(401);
    expect(await meStatus(account.accessToken)).toBe(401);
  });

  it('a refresh token replayed after it was rotated: the session is refused at once', async () => {
    const account = await signUp(server);
    const device = await cachedSecondDevice(account);
    const rotated = await trpcMutation<BearerAuthResult>(server.url, 'auth.refresh', { refreshToken: device.refreshToken });
    expect(rotated.status, rotated.text).toBe(200);
    const next = rotated.data;
    if (!next) throw new Error('refresh answered no tokens');
    expect(await meStatus(next.accessToken)).toBe(200);
    // Past the grace window the old token is reuse: the whole session ends.
    const again = await trpcMutation(server.url, 'auth.refresh', { refreshToken: next.refreshToken });
    expect(again.status, again.text).toBe(200);
    const reused = await trpcMutation(server.url, 'auth.refresh', { refreshToken: device.refreshToken });
    expect(reused.status, reused.text).toBe(401);
    expect(await meStatus(next.accessToken)).toBe(401);
  });
});
