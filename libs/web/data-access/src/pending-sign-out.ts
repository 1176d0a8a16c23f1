import { HttpContext } from '@angular/common/http';
import { DestroyRef, inject, Injectable, signal } from '@angular/core';
import { HTTP_CONTEXT } from './angular-http-link';
import { isTransientError } from './api-error';
import { REDIRECT_WHEN_SIGNED_OUT, SKIP_SESSION_REFRESH } from './auth-http-context';
import { SessionSync } from './session-sync';
import { TRPC_CLIENT } from './trpc-client';

/**
 * Where a sign-out stands, for the sign-in page:
 * - `sending`: the server is being told;
 * - `waiting`: signed out here, but the server could not be reached; it will be told;
 * - `done`: the server has ended the session.
 */
export type SignOutStatus = 'none' | 'sending' | 'waiting' | 'done';

/** What is kept while the server has not heard of a sign-out. No secret: the cookies stay where they are. */
interface PendingRecord {
  readonly allDevices: boolean;
}

const PENDING_KEY = 'app.session.pendingSignOut';
/** Retries after a failed attempt: 1 s, 2 s, 4 s … at most 30 s apart. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
/** A request that hangs (a dead network) counts as failed after this long. */
const REQUEST_TIMEOUT_MS = 15_000;

function readPending(): PendingRecord | null {
  try {
    const raw = globalThis.localStorage?.getItem(PENDING_KEY);
    return raw ? (JSON.parse(raw) as PendingRecord) : null;
  } catch {
    return null;
  }
}

function writePending(record: PendingRecord | null): void {
  try {
    if (record) globalThis.localStorage?.setItem(PENDING_KEY, JSON.stringify(record));
    else globalThis.localStorage?.removeItem(PENDING_KEY);
  } catch {
    // storage disabled: the sign-out is only retried while this tab stays open
  }
}

function timeoutSignal(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  return controller.signal;
}

/** Sign-out calls: never refreshed or retried by the interceptor, never routed anywhere. */
function signOutCallOptions() {
  return {
    context: { [HTTP_CONTEXT]: new HttpContext().set(SKIP_SESSION_REFRESH, true).set(REDIRECT_WHEN_SIGNED_OUT, false) },
    signal: timeoutSignal(REQUEST_TIMEOUT_MS),
  };
}

/**
 * A sign-out the server has not heard of yet. Signing out clears this browser at once; ending
 * the session on the server needs the server. Until it answers, the sign-out is remembered in
 * storage (so a reload stays signed out) and retried: with back-off, when the browser comes
 * back online, and on the next start. It is one `auth.logout`, which carries the refresh cookie
 * (sent under `/trpc/session/`), so the server ends the session even when the access token has
 * expired, and clears the cookies. A 401 means the session is over already: nothing left to do.
 */
@Injectable({ providedIn: 'root' })
export class PendingSignOut {
  private readonly api = inject(TRPC_CLIENT);
  private readonly sync = inject(SessionSync);
  private readonly state = signal<SignOutStatus>(readPending() ? 'waiting' : 'none');
  readonly status = this.state.asReadonly();

  private running: Promise<boolean> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;

  constructor() {
    const onOnline = () => {
      if (readPending()) void this.finish();
    };
    // Another tab recorded or finished a sign-out: show the same state here.
    const onStorage = (event: StorageEvent) => {
      if (event.key !== PENDING_KEY) return;
      if (event.newValue) this.state.set('waiting');
      else if (this.state() !== 'none') this.state.set('done');
    };
    globalThis.addEventListener?.('online', onOnline);
    globalThis.addEventListener?.('storage', onStorage);
    inject(DestroyRef).onDestroy(() => {
      clearTimeout(this.timer);
      globalThis.removeEventListener?.('online', onOnline);
      globalThis.removeEventListener?.('storage', onStorage);
    });
  }

  /** Whether a sign-out is still to be sent (by this tab or another). */
  isPending(): boolean {
    return readPending() !== null;
  }

  /** Remembers a sign-out before the local state is cleared, so nothing can lose it. */
  record(allDevices: boolean): void {
    writePending({ allDevices });
    this.failures = 0;
    this.state.set('sending');
  }

  /**
   * Tells the server. Resolves true once the server has ended the session (or had already),
   * false after a passing failure: then it tries again by itself.
   */
  finish(): Promise<boolean> {
    clearTimeout(this.timer);
    this.running ??= this.sync
      .withRefreshLock(() => this.tellServer())
      .then((done) => {
        if (done) this.state.set(this.state() === 'none' ? 'none' : 'done');
        else this.retryLater();
        return done;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /**
   * Drops the pending sign-out after a new sign-in: the browser now holds that session's cookies,
   * so the old session can no longer be ended from here (it ends at its expiry, or from the
   * sessions list).
   */
  abandon(): void {
    clearTimeout(this.timer);
    writePending(null);
    this.state.set('none');
  }

  private async tellServer(): Promise<boolean> {
    // Under the lock: another tab may have finished it meanwhile.
    const pending = readPending();
    if (!pending) return true;
    if (this.state() === 'none') this.state.set('sending');
    try {
      await this.api.auth.logout.mutate({ allDevices: pending.allDevices }, signOutCallOptions());
    } catch (error) {
      if (isTransientError(error)) return false;
      // Refused for good (a 401: the session is over already): this browser can do nothing more about it.
    }
    writePending(null);
    return true;
  }

  private retryLater(): void {
    this.state.set('waiting');
    const delay = Math.min(FIRST_RETRY_MS * 2 ** this.failures, MAX_RETRY_MS);
    this.failures += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.finish(), delay);
  }
}
