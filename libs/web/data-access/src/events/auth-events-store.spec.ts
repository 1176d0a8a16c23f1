import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { AuthEvent } from '@app/contracts';
import { configureApiTesting, signIn } from '../testing/configure-api-testing';
import { authResult, ok, settle, take, USER } from '../testing/trpc-responses';
import { AUTH_EVENTS_PAGE_SIZE, AuthEventsStore } from './auth-events-store';

const event = (n: number): AuthEvent => ({
  id: String(n),
  type: 'signed_in',
  createdAt: '2026-01-01T00:00:00.000Z',
  ip: '127.0.0.1',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 Safari/537.36',
  detail: { sessionId: '00000000-0000-4000-8000-000000000021' },
});

/** The `input` a tRPC query sent, parsed from its URL. */
const inputOf = (url: string) => JSON.parse(new URL(url, 'http://app').searchParams.get('input') ?? 'null') as unknown;

describe('AuthEventsStore', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = configureApiTesting();
  });

  afterEach(() => http.verify());

  it('loads the newest events, then the next page from the cursor', async () => {
    await signIn(http);
    const store = TestBed.inject(AuthEventsStore);
    const loaded = store.load();
    await settle();
    const [first] = take(http, 'auth.events');
    expect(first?.request.method).toBe('GET');
    expect(inputOf(first!.request.urlWithParams)).toEqual({ limit: AUTH_EVENTS_PAGE_SIZE });
    first?.flush(ok({ items: [event(3), event(2)], nextCursor: 'c2' }));
    await loaded;
    expect(store.list.items().map((e) => e.id)).toEqual(['3', '2']);

    const more = store.loadMore();
    await settle();
    const [next] = take(http, 'auth.events');
    expect(inputOf(next!.request.urlWithParams)).toEqual({ cursor: 'c2', limit: AUTH_EVENTS_PAGE_SIZE });
    next?.flush(ok({ items: [event(1)], nextCursor: null }));
    await expect(more).resolves.toBe(2);
    expect(store.list.items().map((e) => e.id)).toEqual(['3', '2', '1']);
    expect(store.list.hasMore()).toBe(false);
  });

  it('never shows one user’s events to the next', async () => {
    const auth = await signIn(http);
    const store = TestBed.inject(AuthEventsStore);
    const loaded = store.load();
    await settle();
    take(http, 'auth.events')[0]?.flush(ok({ items: [event(1)], nextCursor: null }));
    await loaded;
    const other = auth.login({ email: 'grace@example.com', password: 'Secret#Pass1' });
    await settle();
    take(http, 'auth.login')[0]?.flush(ok(authResult({ ...USER, id: '00000000-0000-4000-8000-000000000002', email: 'grace@example.com' })));
    await other;
    expect(store.list.items()).toEqual([]);
    expect(store.list.loaded()).toBe(false);
  });
});
