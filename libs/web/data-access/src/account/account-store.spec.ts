import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { SessionMessage } from '../session-sync';
import { configureApiTesting, signIn } from '../testing/configure-api-testing';
import { authResult, flushError, ok, person, settle, take, USER } from '../testing/trpc-responses';
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
});
