import { signal } from '@angular/core';
import { TRPCClientError } from '@trpc/client';
import { type ListPage, PagedList } from './paged-list';

/** A loader whose answers the test gives by hand, in any order. */
function manualLoader() {
  const calls: { query: string; cursor: string | undefined; signal: AbortSignal; resolve: (page: ListPage<string>) => void; reject: (error: unknown) => void }[] = [];
  const loader = (query: string, cursor: string | undefined, abort: AbortSignal) =>
    new Promise<ListPage<string>>((resolve, reject) => calls.push({ query, cursor, signal: abort, resolve, reject }));
  return { calls, loader };
}

const offline = () => TRPCClientError.from(new Error('Cannot reach the server; check your connection'), { meta: { status: 0, retryAfterSeconds: null } });

describe('PagedList', () => {
  let owner: ReturnType<typeof signal<string | null>>;
  let source: ReturnType<typeof manualLoader>;
  let list: PagedList<string, string>;

  beforeEach(() => {
    owner = signal<string | null>('user-1');
    source = manualLoader();
    list = new PagedList(source.loader, owner);
  });

  it('shows placeholders until the first answer, then the rows', async () => {
    const loading = list.load('');
    expect(list.loadingFirst()).toBe(true);
    expect(list.loaded()).toBe(false);
    source.calls[0]?.resolve({ items: ['ada', 'alan'], nextCursor: 'c1' });
    await loading;
    expect(list.items()).toEqual(['ada', 'alan']);
    expect(list.hasMore()).toBe(true);
    expect(list.loadingFirst()).toBe(false);
    expect(list.shownQuery()).toBe('');
  });

  it('keeps the rows on screen while a new search loads (in-place progress)', async () => {
    const first = list.load('');
    source.calls[0]?.resolve({ items: ['ada', 'alan'], nextCursor: null });
    await first;
    const second = list.load('gr');
    expect(list.refreshing()).toBe(true);
    expect(list.loadingFirst()).toBe(false);
    expect(list.items()).toEqual(['ada', 'alan']);
    source.calls[1]?.resolve({ items: ['grace'], nextCursor: null });
    await second;
    expect(list.items()).toEqual(['grace']);
    expect(list.refreshing()).toBe(false);
  });

  it('cancels an older search: its late answer never replaces a newer one', async () => {
    const older = list.load('a');
    const newer = list.load('ad');
    expect(source.calls[0]?.signal.aborted).toBe(true);
    source.calls[1]?.resolve({ items: ['ada'], nextCursor: null });
    await newer;
    source.calls[0]?.resolve({ items: ['alan', 'ada'], nextCursor: null });
    await older;
    expect(list.items()).toEqual(['ada']);
    expect(list.shownQuery()).toBe('ad');
  });

  it('keeps the last results when a search fails, says they are for the older query, and retries the failed one', async () => {
    const first = list.load('a');
    source.calls[0]?.resolve({ items: ['ada', 'alan'], nextCursor: null });
    await first;
    const failing = list.load('zo');
    source.calls[1]?.reject(offline());
    await failing;
    expect(list.items()).toEqual(['ada', 'alan']);
    expect(list.error()?.status).toBe(0);
    expect(list.failedAction()).toBe('first');
    expect(list.stale()).toBe(true);
    expect(list.shownQuery()).toBe('a');
    expect(list.requestedQuery()).toBe('zo');

    const retried = list.retry();
    expect(source.calls[2]?.query).toBe('zo');
    source.calls[2]?.resolve({ items: ['zoë'], nextCursor: null });
    await retried;
    expect(list.items()).toEqual(['zoë']);
    expect(list.error()).toBeNull();
    expect(list.stale()).toBe(false);
  });

  it('appends the next page, tells where the new rows start, and retries a failed "more" from the same cursor', async () => {
    const first = list.load('');
    source.calls[0]?.resolve({ items: ['a', 'b'], nextCursor: 'c1' });
    await first;
    const failing = list.loadMore();
    expect(list.loadingMore()).toBe(true);
    source.calls[1]?.reject(offline());
    expect(await failing).toBeNull();
    expect(list.items()).toEqual(['a', 'b']);
    expect(list.failedAction()).toBe('more');

    const retried = list.retry();
    expect(source.calls[2]).toMatchObject({ query: '', cursor: 'c1' });
    source.calls[2]?.resolve({ items: ['c', 'd'], nextCursor: null });
    expect(await retried).toBe(2);
    expect(list.items()).toEqual(['a', 'b', 'c', 'd']);
    expect(list.hasMore()).toBe(false);
    expect(await list.loadMore()).toBeNull(); // nothing more to load: no request
    expect(source.calls).toHaveLength(3);
  });

  it('forgets everything, and ignores answers in flight, when the signed-in user changes', async () => {
    const first = list.load('');
    source.calls[0]?.resolve({ items: ['secret of user 1'], nextCursor: null });
    await first;
    const inFlight = list.load('s');
    owner.set('user-2');
    expect(list.items()).toEqual([]);
    expect(list.loaded()).toBe(false);
    source.calls[1]?.resolve({ items: ['another secret of user 1'], nextCursor: null });
    await inFlight;
    expect(list.items()).toEqual([]);
  });

  it('replaces and removes shown rows', async () => {
    const first = list.load('');
    source.calls[0]?.resolve({ items: ['a', 'b', 'c'], nextCursor: null });
    await first;
    expect(list.replace((item) => item === 'b', 'B')).toBe(true);
    expect(list.replace((item) => item === 'x', 'X')).toBe(false);
    list.remove((item) => item === 'a');
    expect(list.items()).toEqual(['B', 'c']);
  });
});
