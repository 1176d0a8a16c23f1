import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { AuthStore, PROACTIVE_REFRESH_LEAD_MS } from './auth-store';
import type { SessionMessage } from './session-sync';
import { readSessionHint, writeSessionHint } from './session-hint';
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

  /** This browser signed in before: its session hint, with the access token expiring in `accessTtlMs`. */
  function rememberSession(accessTtlMs = 60_000): void {
    writeSessionHint({ accessTokenExpiresAt: Date.now() + accessTtlMs, sessionExpiresAt: Date.now() + 86_400_000 });
  }

  it('signs a visitor who holds no session out at once, asking the server nothing', async () => {
    const store = TestBed.inject(AuthStore);
    await store.restore();
    expect(store.status()).toBe('signed-out');
    http.expectNone(() => true);
  });

  it('restores a remembered session through auth.me', async () => {
    rememberSession();
    const store = TestBed.inject(AuthStore);
    expect(store.status()).toBe('restoring');
    const restored = store.restore();
    await settle();
    take(http, 'auth.me')[0]?.flush(ok(USER));
    await restored;
    expect(store.user()).toEqual(USER);
  });

  it('renews an expired access token first: one auth.refresh (which answers the user), no auth.me', async () => {
    rememberSession(-60_000);
    const store = TestBed.inject(AuthStore);
    const restored = store.restore();
    await settle();
    expect(take(http, 'auth.me')).toHaveLength(0);
    take(http, 'auth.refresh')[0]?.flush(ok(authResult()));
    await restored;
    expect(store.user()).toEqual(USER);
    expect(readSessionHint()?.sessionExpiresAt).toBeGreaterThan(Date.now());
  });

  it('still refreshes on a 401 when the remembered expiry was wrong', async () => {
    rememberSession();
    const store = TestBed.inject(AuthStore);
    const restored = store.restore();
    await settle();
    flushError(take(http, 'auth.me')[0]!, 401, 'UNAUTHENTICATED');
    await settle();
    take(http, 'auth.refresh')[0]?.flush(ok(authResult()));
    await settle();
    take(http, 'auth.me')[0]?.flush(ok(USER));
    await restored;
    expect(store.status()).toBe('signed-in');
  });

  it('ends signed out, without navigating, and forgets the session when the server refuses it', async () => {
    rememberSession();
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
    expect(readSessionHint()).toBeNull(); // the next start asks nothing
  });

  it('keeps the hint after a passing failure at start, so the next start asks again', async () => {
    rememberSession();
    const store = TestBed.inject(AuthStore);
    const restored = store.restore();
    await settle();
    take(http, 'auth.me')[0]?.error(new ProgressEvent('error'), { status: 0 });
    await restored;
    expect(store.status()).toBe('signed-out');
    expect(readSessionHint()).not.toBeNull();
  });

  it('ignores a hint whose session has passed its absolute expiry', async () => {
    writeSessionHint({ accessTokenExpiresAt: Date.now() - 120_000, sessionExpiresAt: Date.now() - 60_000 });
    const store = TestBed.inject(AuthStore);
    await store.restore();
    expect(store.status()).toBe('signed-out');
    http.expectNone(() => true);
  });

  it('reads the expiry that browsers signed in before the hint existed still hold', async () => {
    localStorage.setItem('app.session.accessTokenExpiresAt', String(Date.now() + 60_000));
    const store = TestBed.inject(AuthStore);
    const restored = store.restore();
    await settle();
    take(http, 'auth.me')[0]?.flush(ok(USER));
    await restored;
    expect(store.user()).toEqual(USER);
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

  describe('signing out', () => {
    const offline = (request: { error: (e: ProgressEvent, o: { status: number }) => void } | undefined) =>
      request?.error(new ProgressEvent('error'), { status: 0 });
    const pendingRecord = () => localStorage.getItem('app.session.pendingSignOut');

    it('clears this browser at once, then sends one auth.logout even with an expired access token (it carries the refresh cookie), no refresh', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const store = await signIn(http, 3_000);
      vi.setSystemTime(Date.now() + 5_000);
      const done = store.logout();
      expect(store.user()).toBeNull(); // before the server has answered anything
      expect(readSessionHint()).toBeNull();
      await settle();
      expect(take(http, 'auth.refresh')).toHaveLength(0);
      const [logout] = take(http, 'auth.logout');
      expect(new URL(logout?.request.url ?? '', 'http://app').pathname).toBe('/trpc/session/auth.logout');
      expect(logout?.request.body).toEqual({ allDevices: false });
      logout?.flush(ok({ ok: true }));
      await done;
      expect(TestBed.inject(Router).url).toBe('/login');
      expect(store.signOutStatus()).toBe('done');
      expect(pendingRecord()).toBeNull();
    });

    it('keeps the sign-out when the server cannot be reached, and retries with back-off until it answers', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const store = await signIn(http);
      const done = store.logout({ allDevices: true });
      await vi.advanceTimersByTimeAsync(0);
      offline(take(http, 'auth.logout')[0]);
      await done;
      expect(store.user()).toBeNull();
      expect(store.signOutStatus()).toBe('waiting');
      expect(JSON.parse(pendingRecord() ?? 'null')).toMatchObject({ allDevices: true });

      await vi.advanceTimersByTimeAsync(999);
      expect(take(http, 'auth.logout')).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      offline(take(http, 'auth.logout')[0]); // 2nd attempt after 1 s
      await vi.advanceTimersByTimeAsync(1_999);
      expect(take(http, 'auth.logout')).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      const [third] = take(http, 'auth.logout'); // 3rd after 2 s more
      expect(third?.request.body).toEqual({ allDevices: true });
      third?.flush(ok({ ok: true }));
      await vi.advanceTimersByTimeAsync(0);
      expect(store.signOutStatus()).toBe('done');
      expect(pendingRecord()).toBeNull();
      await vi.advanceTimersByTimeAsync(60_000);
      expect(take(http, 'auth.logout')).toHaveLength(0); // nothing more
    });

    it('tries again as soon as the browser is back online', async () => {
      const store = await signIn(http);
      const done = store.logout();
      await settle();
      offline(take(http, 'auth.logout')[0]);
      await done;
      window.dispatchEvent(new Event('online'));
      await settle();
      take(http, 'auth.logout')[0]?.flush(ok({ ok: true }));
      await vi.waitFor(() => expect(store.signOutStatus()).toBe('done'));
    });

    it('on the next start stays signed out without asking who is signed in, and sends the sign-out', async () => {
      localStorage.setItem('app.session.pendingSignOut', JSON.stringify({ allDevices: false }));
      writeSessionHint({ accessTokenExpiresAt: Date.now() - 60_000, sessionExpiresAt: Date.now() + 86_400_000 });
      const store = TestBed.inject(AuthStore);
      await store.restore();
      expect(store.status()).toBe('signed-out');
      await settle();
      expect(take(http, 'auth.me')).toHaveLength(0);
      expect(take(http, 'auth.refresh')).toHaveLength(0);
      take(http, 'auth.logout')[0]?.flush(ok({ ok: true }));
      await vi.waitFor(() => expect(pendingRecord()).toBeNull());
      expect(store.user()).toBeNull();
    });

    it('counts a 401 from auth.logout as done: the server has ended that session already', async () => {
      localStorage.setItem('app.session.pendingSignOut', JSON.stringify({ allDevices: false }));
      const store = TestBed.inject(AuthStore);
      await store.restore();
      await settle();
      flushError(take(http, 'auth.logout')[0]!, 401, 'UNAUTHENTICATED');
      await vi.waitFor(() => expect(pendingRecord()).toBeNull());
      expect(take(http, 'auth.logout')).toHaveLength(0);
      expect(take(http, 'auth.refresh')).toHaveLength(0);
    });

    it('sends a pending sign-out before signing in again', async () => {
      localStorage.setItem('app.session.pendingSignOut', JSON.stringify({ allDevices: false }));
      const store = TestBed.inject(AuthStore);
      const login = store.login({ email: USER.email, password: 'Secret#Pass1' });
      await settle();
      expect(take(http, 'auth.login')).toHaveLength(0); // not before the old session is ended
      take(http, 'auth.logout')[0]?.flush(ok({ ok: true }));
      await settle();
      take(http, 'auth.login')[0]?.flush(ok(authResult()));
      await login;
      expect(store.user()).toEqual(USER);
      expect(pendingRecord()).toBeNull();
    });
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
