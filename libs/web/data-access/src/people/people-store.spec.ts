import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { AuthStore } from '../auth-store';
import { configureApiTesting, signIn } from '../testing/configure-api-testing';
import { flushError, ok, person, settle, take } from '../testing/trpc-responses';
import { PeopleStore } from './people-store';

describe('PeopleStore', () => {
  let http: HttpTestingController;
  let store: PeopleStore;

  beforeEach(async () => {
    http = configureApiTesting();
    await signIn(http);
    store = TestBed.inject(PeopleStore);
  });

  afterEach(() => http.verify());

  const inputOf = (request: { request: { urlWithParams: string } }) =>
    JSON.parse(new URL(request.request.urlWithParams, 'http://app').searchParams.get('input') ?? 'null') as unknown;

  async function answerList(items: ReturnType<typeof person>[], nextCursor: string | null = null) {
    await settle();
    const [request] = take(http, 'people.list');
    request?.flush(ok({ items, nextCursor }));
    return request;
  }

  it('searches by the trimmed term, 20 at a time, and sends no search for everyone', async () => {
    const everyone = store.search('  ');
    expect(inputOf((await answerList([person(1)]))!)).toEqual({ limit: 20 });
    await everyone;
    const some = store.search(' ada ');
    expect(inputOf((await answerList([person(2)]))!)).toEqual({ search: 'ada', limit: 20 });
    await some;
    expect(store.list.shownQuery()).toBe('ada');
  });

  it('cancels the request of a search the user has already replaced', async () => {
    void store.search('a');
    await settle();
    const [older] = take(http, 'people.list');
    const newer = store.search('ad');
    expect(older?.cancelled).toBe(true);
    await answerList([person(3)]);
    await newer;
    expect(store.rows()).toEqual([person(3)]);
  });

  it('keeps the last results when the server cannot be reached, and gets them on retry', async () => {
    const first = store.search('');
    await answerList([person(1), person(2)]);
    await first;
    const failing = store.search('zoe');
    await settle();
    take(http, 'people.list')[0]?.error(new ProgressEvent('error'), { status: 0 });
    await failing;
    expect(store.rows()).toEqual([person(1), person(2)]);
    expect(store.list.error()?.message).toBe('Cannot reach the server; check your connection');
    const retried = store.retry();
    await answerList([person(7)]);
    await retried;
    expect(store.rows()).toEqual([person(7)]);
  });

  it('shows a person just added on top when the current page lacks them, until the next search', async () => {
    const first = store.search('');
    await answerList([person(1)]);
    await first;
    const created = store.create({ firstName: 'Zoë', lastName: 'Zed' });
    await settle();
    const [request] = take(http, 'people.create');
    expect(request?.request.body).toEqual({ firstName: 'Zoë', lastName: 'Zed' });
    const zoe = { ...person(9), firstName: 'Zoë', lastName: 'Zed' };
    request?.flush(ok(zoe));
    await created;
    expect(store.rows()).toEqual([zoe, person(1)]);
    expect(store.recent()).toEqual({ person: zoe, kind: 'added' });

    // Back on the list with the same search: still on top. Another search lets it go.
    const again = store.search('');
    await answerList([person(1)]);
    await again;
    expect(store.rows()).toEqual([zoe, person(1)]);
    const other = store.search('a');
    await answerList([person(1)]);
    await other;
    expect(store.rows()).toEqual([person(1)]);
  });

  it('replaces a saved person in place and drops a deleted one', async () => {
    const first = store.search('');
    await answerList([person(1), person(2)]);
    await first;
    const saved = store.update(2, { firstName: 'Grace', lastName: 'Hopper' });
    await settle();
    const renamed = { ...person(2), firstName: 'Grace', lastName: 'Hopper' };
    take(http, 'people.update')[0]?.flush(ok(renamed));
    await saved;
    expect(store.rows()).toEqual([person(1), renamed]);
    expect(store.recent()?.kind).toBe('saved');

    const removed = store.remove(renamed);
    await settle();
    take(http, 'people.delete')[0]?.flush(ok({ id: 2 }));
    await removed;
    expect(store.rows()).toEqual([person(1)]);
    expect(store.recent()).toBeNull();
  });

  it('keeps the rows when a delete is refused', async () => {
    const first = store.search('');
    await answerList([person(1)]);
    await first;
    const removed = store.remove(person(1));
    await settle();
    flushError(take(http, 'people.delete')[0]!, 403, 'FORBIDDEN', 'You are not allowed to do this');
    await expect(removed).rejects.toThrow('You are not allowed to do this');
    expect(store.rows()).toEqual([person(1)]);
  });

  it('empties itself when the user signs out, so the next user never sees these rows', async () => {
    const first = store.search('');
    await answerList([person(1)]);
    await first;
    const auth = TestBed.inject(AuthStore);
    const out = auth.logout();
    await settle();
    take(http, 'auth.logout')[0]?.flush(ok({ ok: true }));
    await out;
    expect(store.rows()).toEqual([]);
    expect(store.list.loaded()).toBe(false);
  });
});
