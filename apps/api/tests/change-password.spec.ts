import { AccountMessages, AppErrorCode, AUTH_COOKIES, type AuthResult, type BearerAuthResult, ErrorMessages, PasswordMessages, type Session, type User } from '@app/contracts';
import {
  BrowserLikeClient,
  logIn,
  sessionIdOf,
  signUp,
  startTestServer,
  strongPassword,
  type TestServer,
  trpcMutation,
  trpcQuery,
} from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectNoLeak, fieldErrors } from './support';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const change = (token: string, input: unknown) => trpcMutation<BearerAuthResult>(server.url, 'auth.changePassword', input, { token });
const me = (token: string) => trpcQuery<User>(server.url, 'auth.me', undefined, { token });
const refresh = (refreshToken: string) => trpcMutation<BearerAuthResult>(server.url, 'auth.refresh', { refreshToken });
const login = (email: string, password: string) => trpcMutation<BearerAuthResult>(server.url, 'auth.login', { email, password });

describe('auth.changePassword', () => {
  it('stores the new password, answers with a new session for this device and ends every other session', async () => {
    const account = await signUp(server);
    const phone = await logIn(server, account);
    const newPassword = strongPassword();

    const res = await change(account.accessToken, { currentPassword: account.password, newPassword });
    expect(res.status, res.text).toBe(200);
    expectNoLeak(res.text);
    expect(res.data.user).toEqual(account.user);
    // A new session replaces the caller's: its tokens work, the replaced ones do not.
    expect(sessionIdOf(res.data.refreshToken)).not.toBe(sessionIdOf(account.refreshToken));
    expect((await me(res.data.accessToken)).status).toBe(200);
    expectError(await me(account.accessToken), 401, AppErrorCode.SessionRevoked);
    expectError(await refresh(account.refreshToken), 401, AppErrorCode.RefreshInvalid);
    // The other device is signed out.
    expectError(await me(phone.accessToken), 401, AppErrorCode.SessionRevoked);
    expectError(await refresh(phone.refreshToken), 401, AppErrorCode.RefreshInvalid);
    const sessions = await trpcQuery<Session[]>(server.url, 'auth.sessions', undefined, { token: res.data.accessToken });
    expect(sessions.data.map((s) => s.id)).toEqual([sessionIdOf(res.data.refreshToken)]);

    expectError(await login(account.email, account.password), 401, AppErrorCode.InvalidCredentials);
    expect((await login(account.email, newPassword)).status).toBe(200);
    // The new session refreshes like any other.
    expect((await refresh(res.data.refreshToken)).status).toBe(200);
  });

  it('signOutOtherDevices: false keeps the other sessions (the caller’s is still replaced)', async () => {
    const account = await signUp(server);
    const phone = await logIn(server, account);
    const res = await change(account.accessToken, { currentPassword: account.password, newPassword: strongPassword(), signOutOtherDevices: false });
    expect(res.status, res.text).toBe(200);
    expect((await me(phone.accessToken)).status).toBe(200);
    expect((await refresh(phone.refreshToken)).status).toBe(200);
    expectError(await me(account.accessToken), 401, AppErrorCode.SessionRevoked);
  });

  it('a browser stays signed in: the new session arrives as cookies, never in the body', async () => {
    const account = await signUp(server);
    const browser = new BrowserLikeClient(server.url);
    await browser.mutation('auth.login', { email: account.email, password: account.password });
    const before = browser.cookie(AUTH_COOKIES.refresh)?.value;
    const res = await browser.mutation<AuthResult>('auth.changePassword', { currentPassword: account.password, newPassword: strongPassword() });
    expect(res.status, res.text).toBe(200);
    expect(res.data).not.toHaveProperty('accessToken');
    expect(res.data).not.toHaveProperty('refreshToken');
    expect(browser.cookie(AUTH_COOKIES.refresh)?.value).toBeTruthy();
    expect(browser.cookie(AUTH_COOKIES.refresh)?.value).not.toBe(before);
    expect((await browser.query<User>('auth.me')).data.id).toBe(account.user.id);
    expect((await browser.mutation('auth.refresh')).status).toBe(200);
  });

  it('a wrong current password is a 400 with a field error on currentPassword (never 401) and changes nothing', async () => {
    const account = await signUp(server);
    const res = await change(account.accessToken, { currentPassword: `${account.password}x`, newPassword: strongPassword() });
    expectError(res, 400, AppErrorCode.CurrentPasswordIncorrect);
    expect(res.error?.data.code).toBe('BAD_REQUEST');
    expect(fieldErrors(res)).toEqual({ currentPassword: [ErrorMessages.currentPasswordIncorrect] });
    expect(res.error?.message).toBe(`currentPassword: ${ErrorMessages.currentPasswordIncorrect}`);
    expect((await me(account.accessToken)).status).toBe(200);
    expect((await login(account.email, account.password)).status).toBe(200);
  });

  it('the new password follows the shared policy and must differ from the current one, with field errors', async () => {
    const account = await signUp(server);
    const weak = await change(account.accessToken, { currentPassword: account.password, newPassword: 'password' });
    expectError(weak, 400, AppErrorCode.InvalidInput);
    expect(fieldErrors(weak).newPassword).toEqual(expect.arrayContaining([PasswordMessages.upper, PasswordMessages.digit, PasswordMessages.symbol]));

    const same = await change(account.accessToken, { currentPassword: account.password, newPassword: account.password });
    expectError(same, 400, AppErrorCode.InvalidInput);
    expect(fieldErrors(same)).toEqual({ newPassword: [AccountMessages.samePassword] });

    const missing = await change(account.accessToken, { newPassword: strongPassword() });
    expect(fieldErrors(missing)).toEqual({ currentPassword: [AccountMessages.currentPasswordRequired] });
    expect((await login(account.email, account.password)).status).toBe(200);
  });

  it('needs a live session (401 without one)', async () => {
    expectError(await trpcMutation(server.url, 'auth.changePassword', { currentPassword: 'x', newPassword: strongPassword() }), 401, AppErrorCode.Unauthenticated);
  });

  it('two changes at once from one session: exactly one succeeds, the other finds its session ended', async () => {
    const account = await signUp(server);
    const passwords = [strongPassword(), strongPassword()];
    const results = await Promise.all(passwords.map((newPassword) => change(account.accessToken, { currentPassword: account.password, newPassword })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
    const winner = passwords[results.findIndex((r) => r.status === 200)] as string;
    expect((await login(account.email, winner)).status).toBe(200);
  });
});
