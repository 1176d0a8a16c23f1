import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import type { SessionMessage } from '../session-sync';
import { configureApiTesting, signIn } from '../testing/configure-api-testing';
import { authResult, flushError, ok, person, settle, take, USER } from '../testing/trpc-responses';
import { AuthStore } from '../auth-store';
import { TRPC_CLIENT } from '../trpc-client';
import { AccountStore } from './account-store';

const CHANGE = { currentPassword: 'Old#Password1', newPassword: 'New#Password22', signOutOtherDevices: true };

describe('AccountStore', () => {
  let http: HttpTestingController;
  let otherTab: BroadcastChannel;

  beforeEach(() => {
    http = configureApiTesting();
    otherTab = new BroadcastChannel('app-session');
  });

  afterEach(() => {
    otherTab.close();
    http.verify();
  });

  describe('changing the password', () => {
    it('sends the change and takes on the new session it answers: this tab stays signed in, the others are told', async () => {
      const heard: SessionMessage[] = [];
      otherTab.onmessage = (event: MessageEvent<SessionMessage>) => heard.push(event.data);
      const auth = await signIn(http);
      const generation = auth.refreshGeneration();
      const changed = TestBed.inject(AccountStore).changePassword(CHANGE);
      await settle();
      const [request] = take(http, 'auth.changePassword');
      expect(request?.request.body).toEqual(CHANGE);
      request?.flush(ok(authResult()));
      await changed;
      expect(auth.user()).toEqual(USER);
      expect(auth.refreshGeneration()).toBe(generation + 1);
      await vi.waitFor(() => expect(heard.map((message) => message.type)).toEqual(['signed-in', 'refreshed']));
    });

    it('renews an access token about to expire first, so the change itself never needs a refresh', async () => {
      const auth = await signIn(http, 5_000);
      const changed = TestBed.inject(AccountStore).changePassword(CHANGE);
      await settle();
      expect(take(http, 'auth.changePassword')).toHaveLength(0);
      take(http, 'auth.refresh')[0]?.flush(ok(authResult()));
      await settle();
      take(http, 'auth.changePassword')[0]?.flush(ok(authResult()));
      await changed;
      expect(auth.user()).toEqual(USER);
    });

    it('holds back the refresh of a call that finds the old session ended meanwhile: it is retried with the new one', async () => {
      const auth = await signIn(http);
      const api = TestBed.inject(TRPC_CLIENT);
      const changed = TestBed.inject(AccountStore).changePassword(CHANGE);
      await settle();
      const call = api.people.byId.query({ id: 7 });
      await settle();
      // The server ended the old session before answering the change: the other call gets a 401.
      flushError(take(http, 'people.byId')[0]!, 401, 'SESSION_REVOKED');
      await settle();
      expect(take(http, 'auth.refresh')).toHaveLength(0); // it would be refused, and sign everyone out
      take(http, 'auth.changePassword')[0]?.flush(ok(authResult()));
      await changed;
      await settle();
      expect(take(http, 'auth.refresh')).toHaveLength(0);
      take(http, 'people.byId')[0]?.flush(ok(person(7)));
      await expect(call).resolves.toEqual(person(7));
      expect(auth.user()).toEqual(USER);
    });

    it('rejects a wrong current password with its field error, keeping the session; calls waiting meanwhile refresh as usual', async () => {
      const auth = await signIn(http);
      const generation = auth.refreshGeneration();
      const api = TestBed.inject(TRPC_CLIENT);
      const changed = TestBed.inject(AccountStore).changePassword(CHANGE);
      await settle();
      const call = api.people.byId.query({ id: 8 });
      await settle();
      flushError(take(http, 'people.byId')[0]!, 401, 'UNAUTHENTICATED');
      take(http, 'auth.changePassword')[0]?.flush(
        {
          error: {
            message: 'Current password is incorrect',
            code: -32600,
            data: { code: 'BAD_REQUEST', httpStatus: 400, appCode: 'CURRENT_PASSWORD_INCORRECT', zodError: { formErrors: [], fieldErrors: { currentPassword: ['Current password is incorrect'] } } },
          },
        },
        { status: 400, statusText: 'Bad Request' },
      );
      await expect(changed).rejects.toMatchObject({ data: { appCode: 'CURRENT_PASSWORD_INCORRECT' } });
      await settle();
      take(http, 'auth.refresh')[0]?.flush(ok(authResult()));
      await settle();
      take(http, 'people.byId')[0]?.flush(ok(person(8)));
      await expect(call).resolves.toEqual(person(8));
      expect(auth.user()).toEqual(USER);
      expect(auth.refreshGeneration()).toBe(generation + 1);
    });

    it('signs this browser out when the session has ended already (the refresh before the change is refused)', async () => {
      const auth = await signIn(http, 1_000);
      const changed = TestBed.inject(AccountStore).changePassword(CHANGE);
      await settle();
      flushError(take(http, 'auth.refresh')[0]!, 401, 'REFRESH_INVALID');
      await expect(changed).rejects.toBeTruthy();
      expect(take(http, 'auth.changePassword')).toHaveLength(0);
      expect(auth.user()).toBeNull();
    });
  });

  describe('recovering the account and verifying the email', () => {
    const UNVERIFIED = { ...USER, emailVerified: false };
    const RESET = { token: 'reset-token', newPassword: 'Copper#Lantern42' };

    it('asks for a reset link and answers the same whatever the email (nothing else is asked)', async () => {
      await TestBed.inject(AuthStore).restore();
      const requested = TestBed.inject(AccountStore).requestPasswordReset({ email: 'nobody@example.com' });
      await settle();
      const [request] = take(http, 'auth.requestPasswordReset');
      expect(request?.request.method).toBe('POST');
      expect(request?.request.body).toEqual({ email: 'nobody@example.com' });
      request?.flush(ok({ ok: true }));
      await expect(requested).resolves.toBeUndefined();
    });

    it('resets the password of a visitor without asking who is signed in', async () => {
      const auth = TestBed.inject(AuthStore);
      await auth.restore();
      const reset = TestBed.inject(AccountStore).resetPassword(RESET);
      await settle();
      const [request] = take(http, 'auth.resetPassword');
      expect(request?.request.body).toEqual(RESET);
      request?.flush(ok({ ok: true }));
      await reset;
      expect(auth.isSignedIn()).toBe(false);
    });

    it('after a reset, forgets this browser’s session (ended by the server) and tells the other tabs, without routing', async () => {
      const heard: SessionMessage[] = [];
      otherTab.onmessage = (event: MessageEvent<SessionMessage>) => heard.push(event.data);
      const auth = await signIn(http);
      const router = TestBed.inject(Router);
      await router.navigateByUrl('/people');
      const reset = TestBed.inject(AccountStore).resetPassword(RESET);
      await settle();
      take(http, 'auth.resetPassword')[0]?.flush(ok({ ok: true }));
      await settle();
      flushError(take(http, 'auth.me')[0]!, 401, 'SESSION_REVOKED');
      await settle();
      flushError(take(http, 'auth.refresh')[0]!, 401, 'REFRESH_INVALID');
      await reset;
      expect(auth.isSignedIn()).toBe(false);
      expect(router.url).toBe('/people');
      await vi.waitFor(() => expect(heard.map((message) => message.type)).toContain('signed-out'));
    });

    it('after a reset of another account’s password, stays signed in', async () => {
      const auth = await signIn(http);
      const reset = TestBed.inject(AccountStore).resetPassword(RESET);
      await settle();
      take(http, 'auth.resetPassword')[0]?.flush(ok({ ok: true }));
      await settle();
      take(http, 'auth.me')[0]?.flush(ok(USER));
      await reset;
      expect(auth.user()).toEqual(USER);
    });

    it('rejects a used reset link with its appCode and asks nothing more', async () => {
      const auth = await signIn(http);
      const reset = TestBed.inject(AccountStore).resetPassword(RESET);
      await settle();
      flushError(take(http, 'auth.resetPassword')[0]!, 400, 'RESET_TOKEN_USED');
      await expect(reset).rejects.toMatchObject({ data: { appCode: 'RESET_TOKEN_USED' } });
      expect(auth.user()).toEqual(USER);
    });

    it('verifies the email and updates the signed-in user, in this tab and the others', async () => {
      const heard: SessionMessage[] = [];
      otherTab.onmessage = (event: MessageEvent<SessionMessage>) => heard.push(event.data);
      const auth = TestBed.inject(AuthStore);
      const login = auth.login({ email: USER.email, password: 'Secret#Pass1' });
      await settle();
      take(http, 'auth.login')[0]?.flush(ok(authResult(UNVERIFIED)));
      await login;
      expect(auth.user()?.emailVerified).toBe(false);

      const verified = TestBed.inject(AccountStore).verifyEmail({ token: 'verify-token' });
      await settle();
      const [request] = take(http, 'auth.verifyEmail');
      expect(request?.request.body).toEqual({ token: 'verify-token' });
      request?.flush(ok({ ok: true }));
      await settle();
      take(http, 'auth.me')[0]?.flush(ok(USER));
      await verified;
      expect(auth.user()?.emailVerified).toBe(true);
      await vi.waitFor(() => expect(heard).toContainEqual({ type: 'user-updated', user: USER }));
    });

    it('takes on a user updated by another tab, and ignores another account’s', async () => {
      const auth = TestBed.inject(AuthStore);
      const login = auth.login({ email: USER.email, password: 'Secret#Pass1' });
      await settle();
      take(http, 'auth.login')[0]?.flush(ok(authResult(UNVERIFIED)));
      await login;
      otherTab.postMessage({ type: 'user-updated', user: { ...USER, id: 'someone-else' } } satisfies SessionMessage);
      otherTab.postMessage({ type: 'user-updated', user: USER } satisfies SessionMessage);
      await vi.waitFor(() => expect(auth.user()).toEqual(USER));
    });

    it('sends a new verification link', async () => {
      await signIn(http);
      const sent = TestBed.inject(AccountStore).resendVerification();
      await settle();
      const [request] = take(http, 'auth.resendVerification');
      expect(request?.request.method).toBe('POST');
      request?.flush(ok({ ok: true }));
      await expect(sent).resolves.toBeUndefined();
    });

    it('learns that the address was verified meanwhile when the server says so, and passes the refusal on', async () => {
      const auth = TestBed.inject(AuthStore);
      const login = auth.login({ email: USER.email, password: 'Secret#Pass1' });
      await settle();
      take(http, 'auth.login')[0]?.flush(ok(authResult(UNVERIFIED)));
      await login;
      const sent = TestBed.inject(AccountStore).resendVerification();
      await settle();
      flushError(take(http, 'auth.resendVerification')[0]!, 409, 'EMAIL_ALREADY_VERIFIED');
      await settle();
      take(http, 'auth.me')[0]?.flush(ok(USER));
      await expect(sent).rejects.toMatchObject({ data: { appCode: 'EMAIL_ALREADY_VERIFIED' } });
      expect(auth.user()?.emailVerified).toBe(true);
    });
  });
});
