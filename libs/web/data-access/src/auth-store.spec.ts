import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { AuthStore, PROACTIVE_REFRESH_LEAD_MS } from './auth-store';
import type { SessionMessage } from './session-sync';
import { configureApiTesting, signIn } from './testing/configure-api-testing';
import { authResult, flushError, ok, person, settle, take, USER } from './testing/trpc-responses';
import { TRPC_CLIENT } from './trpc-client';

describe('AuthStore', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = configureApiTesting();
  });

  afterEach(() => {
    vi.useRealTimers();
    http.verify();
  });

  it('restores the session at start through auth.me, refreshing once when the access token has expired', async () => {
    const store = TestBed.inject(AuthStore);
    expect(store.status()).toBe('restoring');
    const restored = store.restore();
    await settle();
    flushError(take(http, 'auth.me')[0]!, 401, 'UNAUTHENTICATED');
    await settle();
    take(http, 'auth.refresh')[0]?.flush(ok(authResult()));
    await settle();
    take(http, 'auth.me')[0]?.flush(ok(USER));
    await restored;
    expect(store.status()).toBe('signed-in');
    expect(store.user()).toEqual(USER);
  });

  it('ends the start-up check signed out, without navigating, when there is no session', async () => {
    const store = TestBed.inject(AuthStore);
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/people');
    const restored = store.restore();
    await settle();
    flushError(take(http, 'auth.me')[0]!, 401, 'UNAUTHENTICATED');
    await settle();
    flushError(take(http, 'auth.refresh')[0]!, 401, 'REFRESH_INVALID');
    await restored;
    expect(store.status()).toBe('signed-out');
    expect(router.url).toBe('/people'); // the route guards decide, not the start-up check
  });

  it('refreshes proactively shortly before the access token expires', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const ttl = 15 * 60_000;
    await signIn(http, ttl);
    await vi.advanceTimersByTimeAsync(ttl - PROACTIVE_REFRESH_LEAD_MS - 1_000);
    expect(take(http, 'auth.refresh')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    await settle();
    const refreshes = take(http, 'auth.refresh');
    expect(refreshes).toHaveLength(1);
    refreshes[0]?.flush(ok(authResult(USER, ttl)));
    await settle();
    // …and schedules the next one from the new expiry.
    await vi.advanceTimersByTimeAsync(ttl - PROACTIVE_REFRESH_LEAD_MS);
    await settle();
    take(http, 'auth.refresh')[0]?.flush(ok(authResult(USER, ttl)));
    await settle();
    expect(TestBed.inject(AuthStore).user()).toEqual(USER);
  });

  it('leaves a token too short-lived for the lead to the interceptor', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await signIn(http, 3_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(take(http, 'auth.refresh')).toHaveLength(0);
  });

  it('refreshes before logging out when the access token has expired, then routes to /login', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = await signIn(http, 3_000);
    vi.setSystemTime(Date.now() + 5_000);
    const done = store.logout();
    await settle();
    take(http, 'auth.refresh')[0]?.flush(ok(authResult(USER, 3_000)));
    await settle();
    const [logout] = take(http, 'auth.logout');
    expect(logout?.request.body).toEqual({ allDevices: false });
    logout?.flush(ok({ ok: true }));
    await done;
    expect(store.user()).toBeNull();
    expect(TestBed.inject(Router).url).toBe('/login');
  });

  describe('with other tabs', () => {
    let otherTab: BroadcastChannel;
    beforeEach(() => {
      otherTab = new BroadcastChannel('app-session');
    });
    afterEach(() => otherTab.close());

    it('signs out when another tab signs out, routing to login with returnUrl', async () => {
      const store = await signIn(http);
      const router = TestBed.inject(Router);
      await router.navigateByUrl('/people');
      otherTab.postMessage({ type: 'signed-out' } satisfies SessionMessage);
      await vi.waitFor(() => expect(store.user()).toBeNull());
      await vi.waitFor(() => expect(router.url).toBe('/login?returnUrl=%2Fpeople'));
    });

    it("retries on a 401 without refreshing when another tab has refreshed since the request was sent", async () => {
      const store = await signIn(http);
      const call = TestBed.inject(TRPC_CLIENT).people.byId.query({ id: 3 });
      await settle();
      const [request] = take(http, 'people.byId');
      const result = authResult();
      otherTab.postMessage({ type: 'refreshed', user: result.user, accessTokenExpiresAt: result.accessTokenExpiresAt } satisfies SessionMessage);
      await vi.waitFor(() => expect(store.refreshGeneration()).toBe(2));
      flushError(request!, 401, 'UNAUTHENTICATED');
      await settle();
      expect(take(http, 'auth.refresh')).toHaveLength(0);
      take(http, 'people.byId')[0]?.flush(ok(person(3)));
      await expect(call).resolves.toEqual(person(3));
    });

    it('skips its own refresh when another tab completed one while it waited for the lock', async () => {
      const store = await signIn(http);
      const call = TestBed.inject(TRPC_CLIENT).people.byId.query({ id: 4 });
      await settle();
      const [request] = take(http, 'people.byId');
      // What the tab holding the lock leaves behind before releasing it.
      localStorage.setItem('app.session.refreshedAt', String(Date.now() + 60_000));
      flushError(request!, 401, 'UNAUTHENTICATED');
      await settle();
      expect(take(http, 'auth.refresh')).toHaveLength(0);
      take(http, 'people.byId')[0]?.flush(ok(person(4)));
      await expect(call).resolves.toEqual(person(4));
      expect(store.user()).toEqual(USER);
    });

    it('tells the other tabs about its sign-in, refresh and sign-out', async () => {
      const heard: SessionMessage[] = [];
      otherTab.onmessage = (event: MessageEvent<SessionMessage>) => heard.push(event.data);
      const store = await signIn(http);
      const refreshed = store.refresh();
      await settle();
      take(http, 'auth.refresh')[0]?.flush(ok(authResult()));
      await refreshed;
      const loggedOut = store.logout();
      await settle();
      take(http, 'auth.logout')[0]?.flush(ok({ ok: true }));
      await loggedOut;
      await vi.waitFor(() => expect(heard.map((m) => m.type)).toEqual(['signed-in', 'refreshed', 'signed-out']));
    });
  });
});
