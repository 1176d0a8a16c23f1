import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { User } from '@app/contracts';
import { configureApiTesting, signIn } from '../testing/configure-api-testing';
import { flushError, ok, settle, take } from '../testing/trpc-responses';
import { UsersStore } from './users-store';

const user = (n: number, role: User['role'] = 'user'): User => ({ id: `00000000-0000-4000-8000-00000000001${n}`, email: `u${n}@example.com`, role, emailVerified: true });

describe('UsersStore', () => {
  let http: HttpTestingController;
  let store: UsersStore;

  beforeEach(async () => {
    http = configureApiTesting();
    await signIn(http);
    store = TestBed.inject(UsersStore);
    const loaded = store.load();
    await settle();
    take(http, 'users.list')[0]?.flush(ok({ items: [user(1), user(2)], nextCursor: null }));
    await loaded;
  });

  afterEach(() => http.verify());

  it('changes a role and shows the answer in place, marking the row as saving meanwhile', async () => {
    const changed = store.setRole(user(2), 'admin');
    expect(store.saving()).toBe(user(2).id);
    await settle();
    const [request] = take(http, 'users.setRole');
    expect(request?.request.body).toEqual({ userId: user(2).id, role: 'admin' });
    request?.flush(ok(user(2, 'admin')));
    await changed;
    expect(store.list.items()).toEqual([user(1), user(2, 'admin')]);
    expect(store.saving()).toBeNull();
  });

  it('leaves the list as it was when the change is refused', async () => {
    const changed = store.setRole(user(1), 'admin');
    await settle();
    flushError(take(http, 'users.setRole')[0]!, 400, 'INVALID_INPUT', 'The last admin cannot be demoted');
    await expect(changed).rejects.toThrow('The last admin cannot be demoted');
    expect(store.list.items()).toEqual([user(1), user(2)]);
    expect(store.saving()).toBeNull();
  });
});
