import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { Session } from '@app/contracts';
import { AuthStore } from '../auth-store';
import { configureApiTesting, signIn } from '../testing/configure-api-testing';
import { ok, settle, take, USER } from '../testing/trpc-responses';
import { SessionsStore } from './sessions-store';

const session = (n: number, current = false): Session => ({
  id: `00000000-0000-4000-8000-00000000002${n}`,
  createdAt: '2026-01-01T00:00:00.000Z',
  lastUsedAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-02-01T00:00:00.000Z',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 Safari/537.36',
  ip: '127.0.0.1',
  current,
});

describe('SessionsStore', () => {
  let http: HttpTestingController;
  let store: SessionsStore;

  beforeEach(async () => {
    http = configureApiTesting();
    await signIn(http);
    store = TestBed.inject(SessionsStore);
  });

  afterEach(() => http.verify());

  async function answerLoad(sessions: Session[]): Promise<void> {
    await settle();
    take(http, 'auth.me')[0]?.flush(ok(USER));
    take(http, 'auth.sessions')[0]?.flush(ok(sessions));
  }

  it('asks who I am and for my sessions at the same time', async () => {
    const loaded = store.load();
    await settle();
    const me = take(http, 'auth.me');
    const sessions = take(http, 'auth.sessions');
    expect([me.length, sessions.length]).toEqual([1, 1]); // both sent before either answered
    me[0]?.flush(ok(USER));
    sessions[0]?.flush(ok([session(1, true)]));
    await loaded;
    expect(store.loaded()).toBe(true);
  });

  it('loads, and keeps what it showed when a reload fails', async () => {
    const first = store.load();
    await answerLoad([session(1, true), session(2)]);
    await first;
    expect(store.me()).toEqual(USER);
    expect(store.sessions()).toHaveLength(2);

    const again = store.load();
    expect(store.loading()).toBe(true);
    await settle();
    take(http, 'auth.me')[0]?.error(new ProgressEvent('error'), { status: 0 });
    take(http, 'auth.sessions')[0]?.error(new ProgressEvent('error'), { status: 0 });
    await again;
    expect(store.sessions()).toHaveLength(2);
    expect(store.error()?.status).toBe(0);
    expect(store.loading()).toBe(false);
  });

  it('drops a revoked session from the list', async () => {
    const first = store.load();
    await answerLoad([session(1, true), session(2)]);
    await first;
    const revoked = store.revoke(session(2));
    await settle();
    const [request] = take(http, 'auth.revokeSession');
    expect(request?.request.body).toEqual({ sessionId: session(2).id });
    request?.flush(ok({ ok: true }));
    await revoked;
    expect(store.sessions()).toEqual([session(1, true)]);
    expect(TestBed.inject(AuthStore).user()).toEqual(USER);
  });

  it('signs this browser out when it revokes its own session', async () => {
    const first = store.load();
    await answerLoad([session(1, true)]);
    await first;
    const revoked = store.revoke(session(1, true));
    await settle();
    take(http, 'auth.revokeSession')[0]?.flush(ok({ ok: true }));
    await revoked;
    expect(TestBed.inject(AuthStore).user()).toBeNull();
  });

  it('empties itself when the user signs out', async () => {
    const first = store.load();
    await answerLoad([session(1, true)]);
    await first;
    TestBed.inject(AuthStore).sessionRevoked();
    expect(store.sessions()).toEqual([]);
    expect(store.me()).toBeNull();
  });
});
