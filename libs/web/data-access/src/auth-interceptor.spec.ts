import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { TRPCClientError } from '@trpc/client';
import { toApiError } from './api-error';
import { AuthStore } from './auth-store';
import { configureApiTesting, signIn } from './testing/configure-api-testing';
import { authResult, flushError, ok, person, settle, take, USER } from './testing/trpc-responses';
import { TRPC_CLIENT } from './trpc-client';

const N = 5;

describe('authInterceptor', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = configureApiTesting();
  });

  afterEach(() => {
    http.verify();
  });

  /** Signs in through the real store (one login request), then opens /people. */
  async function signInOnPeople(): Promise<void> {
    await signIn(http);
    await TestBed.inject(Router).navigateByUrl('/people');
  }

  function startParallelCalls() {
    const api = TestBed.inject(TRPC_CLIENT);
    return Array.from({ length: N }, (_, i) => api.people.byId.query({ id: i + 1 }));
  }

  it('sends every call with credentials', async () => {
    const call = TestBed.inject(TRPC_CLIENT).people.list.query({ search: 'a&b', limit: 5 });
    await settle();
    const [request] = take(http, 'people.list');
    expect(request?.request.withCredentials).toBe(true);
    expect(request?.request.method).toBe('GET');
    expect(new URL(request?.request.url ?? '', 'http://app').searchParams.get('input')).toBe('{"search":"a&b","limit":5}');
    request?.flush(ok({ items: [person(1)], nextCursor: null }));
    await expect(call).resolves.toEqual({ items: [person(1)], nextCursor: null });
  });

  it('answers N parallel 401s with exactly one refresh, then retries each request once', async () => {
    await signInOnPeople();
    const calls = startParallelCalls();
    await settle();
    const first = take(http, 'people.byId');
    expect(first).toHaveLength(N);
    for (const request of first) flushError(request, 401, 'UNAUTHENTICATED');
    await settle();

    const refreshes = take(http, 'auth.refresh');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.request.method).toBe('POST');
    expect(refreshes[0]?.request.withCredentials).toBe(true);
    // No input, yet declared as JSON: tRPC refuses a mutation of any other content type (415).
    expect(refreshes[0]?.request.headers.get('content-type')).toBe('application/json');
    expect(take(http, 'people.byId')).toHaveLength(0); // nobody retries before the refresh answers
    refreshes[0]?.flush(ok(authResult()));
    await settle();

    const retries = take(http, 'people.byId');
    expect(retries.map((r) => r.request.urlWithParams)).toEqual(first.map((r) => r.request.urlWithParams));
    retries.forEach((request, i) => request.flush(ok(person(i + 1))));
    await expect(Promise.all(calls)).resolves.toEqual(Array.from({ length: N }, (_, i) => person(i + 1)));
    expect(TestBed.inject(AuthStore).user()).toEqual(USER);
  });

  it('retries a 401 that arrives after the shared refresh finished without refreshing again', async () => {
    await signInOnPeople();
    const calls = startParallelCalls();
    await settle();
    const [early, ...late] = take(http, 'people.byId');
    if (!early) throw new Error('no request');
    flushError(early, 401, 'UNAUTHENTICATED');
    await settle();
    take(http, 'auth.refresh')[0]?.flush(ok(authResult()));
    await settle();
    // The other requests were sent before that refresh: their 401s only need a retry.
    for (const request of late) flushError(request, 401, 'UNAUTHENTICATED');
    await settle();
    expect(take(http, 'auth.refresh')).toHaveLength(0);
    const retries = take(http, 'people.byId');
    expect(retries).toHaveLength(N);
    retries.forEach((request) => request.flush(ok(person(1))));
    await expect(Promise.all(calls)).resolves.toHaveLength(N);
  });

  it('fails every waiting request when the refresh is refused, clears the user and routes to login with returnUrl', async () => {
    await signInOnPeople();
    const store = TestBed.inject(AuthStore);
    const router = TestBed.inject(Router);
    const calls = startParallelCalls().map((call) => call.then(() => 'resolved', (error: unknown) => error));
    await settle();
    for (const request of take(http, 'people.byId')) flushError(request, 401, 'SESSION_REVOKED');
    await settle();
    const refreshes = take(http, 'auth.refresh');
    expect(refreshes).toHaveLength(1);
    if (refreshes[0]) flushError(refreshes[0], 401, 'REFRESH_INVALID', 'Your session has ended; sign in again');

    const outcomes = await Promise.all(calls);
    for (const outcome of outcomes) {
      expect(outcome).toBeInstanceOf(TRPCClientError);
      expect(toApiError(outcome).status).toBe(401);
    }
    // Nothing retried, nothing left hanging (afterEach verifies no request is pending).
    expect(take(http, 'people.byId')).toHaveLength(0);
    expect(store.user()).toBeNull();
    expect(store.status()).toBe('signed-out');
    await vi.waitFor(() => expect(router.url).toBe('/login?returnUrl=%2Fpeople'));
  });

  it('does not refresh again for a 401 that arrives after the refresh was refused', async () => {
    await signInOnPeople();
    const api = TestBed.inject(TRPC_CLIENT);
    const early = api.people.byId.query({ id: 1 }).then(() => 'resolved', (error: unknown) => error);
    const late = api.people.byId.query({ id: 2 }).then(() => 'resolved', (error: unknown) => error);
    await settle();
    const [first, second] = take(http, 'people.byId');
    flushError(first!, 401, 'SESSION_REVOKED');
    await settle();
    flushError(take(http, 'auth.refresh')[0]!, 401, 'REFRESH_INVALID');
    await settle();
    // The second call was sent with the same (refused) session; its 401 arrives only now.
    flushError(second!, 401, 'SESSION_REVOKED');
    await settle();
    expect(take(http, 'auth.refresh')).toHaveLength(0);
    for (const outcome of await Promise.all([early, late])) expect(toApiError(outcome).status).toBe(401);
    expect(TestBed.inject(AuthStore).status()).toBe('signed-out');
  });

  it('keeps the user signed in when the refresh fails for a passing reason (503)', async () => {
    await signInOnPeople();
    const router = TestBed.inject(Router);
    const call = TestBed.inject(TRPC_CLIENT).people.byId.query({ id: 1 });
    await settle();
    flushError(take(http, 'people.byId')[0]!, 401, 'UNAUTHENTICATED');
    await settle();
    flushError(take(http, 'auth.refresh')[0]!, 503, 'DATABASE_UNAVAILABLE');
    await expect(call).rejects.toBeInstanceOf(TRPCClientError);
    expect(TestBed.inject(AuthStore).user()).toEqual(USER);
    expect(router.url).toBe('/people');
  });

  it.each([
    ['auth.login', 401, 'INVALID_CREDENTIALS'],
    ['auth.signup', 401, 'UNAUTHENTICATED'],
    ['auth.refresh', 401, 'REFRESH_INVALID'],
  ] as const)('never refreshes or retries on a %s 401', async (path, status, appCode) => {
    const api = TestBed.inject(TRPC_CLIENT);
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/people');
    const credentials = { email: USER.email, password: 'Secret#Pass1' };
    const call =
      path === 'auth.login' ? api.auth.login.mutate(credentials) : path === 'auth.signup' ? api.auth.signup.mutate(credentials) : api.auth.refresh.mutate();
    await settle();
    const requests = take(http, path);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.request.withCredentials).toBe(true);
    flushError(requests[0]!, status, appCode, 'Invalid email or password');
    await expect(call).rejects.toThrow('Invalid email or password');
    await settle();
    expect(take(http, 'auth.refresh')).toHaveLength(0);
    expect(take(http, path)).toHaveLength(0);
    expect(router.url).toBe('/people');
  });

  it('lets a 403 through untouched: no refresh, no sign-out, no redirect', async () => {
    await signInOnPeople();
    const router = TestBed.inject(Router);
    const call = TestBed.inject(TRPC_CLIENT).people.delete.mutate({ id: 7 });
    await settle();
    const [request] = take(http, 'people.delete');
    expect(request?.request.method).toBe('POST');
    expect(request?.request.body).toEqual({ id: 7 });
    flushError(request!, 403, 'FORBIDDEN', 'You are not allowed to do this');
    const error = await call.catch((e: unknown) => e);
    expect(toApiError(error)).toMatchObject({ status: 403, appCode: 'FORBIDDEN', message: 'You are not allowed to do this' });
    await settle();
    expect(take(http, 'auth.refresh')).toHaveLength(0);
    expect(TestBed.inject(AuthStore).user()).toEqual(USER);
    expect(router.url).toBe('/people');
  });

  it('lets a 403 for an unverified address through untouched: no refresh, no retry, no sign-out, no redirect', async () => {
    const unverified = { ...USER, emailVerified: false };
    await signIn(http, undefined, unverified);
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/people');
    const call = TestBed.inject(TRPC_CLIENT).people.list.query({ limit: 20 });
    await settle();
    flushError(take(http, 'people.list')[0]!, 403, 'EMAIL_NOT_VERIFIED', 'Verify your email address first');
    const error = await call.catch((e: unknown) => e);
    expect(toApiError(error)).toMatchObject({ status: 403, appCode: 'EMAIL_NOT_VERIFIED', message: 'Verify your email address first' });
    await settle();
    expect(take(http, 'auth.refresh')).toHaveLength(0);
    expect(take(http, 'people.list')).toHaveLength(0);
    expect(TestBed.inject(AuthStore).user()).toEqual(unverified);
    expect(router.url).toBe('/people');
  });
});
