import { DestroyRef, inject, Injectable } from '@angular/core';
import type { User } from '@app/contracts';

/** What one tab tells the others about the session they share (the cookies are shared too). */
export type SessionMessage =
  | { readonly type: 'signed-in' | 'refreshed'; readonly user: User; readonly accessTokenExpiresAt: string }
  | { readonly type: 'user-updated'; readonly user: User }
  | { readonly type: 'signed-out' };

const CHANNEL = 'app-session';
const REFRESH_LOCK = 'app-session-refresh';
/** When any tab last completed a refresh (ms since epoch): written under the lock, read under it. */
const REFRESHED_AT_KEY = 'app.session.refreshedAt';

/**
 * Coordinates the tabs of one browser profile:
 * - a BroadcastChannel carries sign-in, refresh, sign-out and changes to the user (a verified
 *   email) to the other tabs, so logging out in one tab signs out all of them and a refresh in one
 *   tab reschedules the others;
 * - a Web Lock lets one tab at a time run `auth.refresh`; the next tab to get the lock sees the
 *   refresh already done and only retries.
 * Both degrade to no-ops where the APIs are missing (old browsers, tests).
 * @see https://developer.mozilla.org/docs/Web/API/Web_Locks_API
 * @see https://developer.mozilla.org/docs/Web/API/BroadcastChannel
 */
@Injectable({ providedIn: 'root' })
export class SessionSync {
  private readonly channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  private readonly listeners = new Set<(message: SessionMessage) => void>();

  constructor() {
    if (this.channel) {
      this.channel.onmessage = (event: MessageEvent<SessionMessage>) => {
        for (const listener of this.listeners) listener(event.data);
      };
    }
    inject(DestroyRef).onDestroy(() => {
      this.listeners.clear();
      this.channel?.close();
    });
  }

  /** Tells the other tabs (never this one). */
  publish(message: SessionMessage): void {
    this.channel?.postMessage(message);
  }

  /** Registers for messages from the other tabs; returns the unsubscribe function. */
  listen(listener: (message: SessionMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records, for the other tabs, that a refresh has just completed. Call it while holding the lock. */
  markRefreshed(): void {
    try {
      globalThis.localStorage?.setItem(REFRESHED_AT_KEY, String(Date.now()));
    } catch {
      // storage disabled: the BroadcastChannel message still tells the other tabs
    }
  }

  /**
   * Whether some tab completed a refresh after `time`. Checked under the lock: the message of the
   * tab that just released it may not have arrived yet, but its note in storage has.
   */
  refreshedSince(time: number): boolean {
    try {
      return Number(globalThis.localStorage?.getItem(REFRESHED_AT_KEY) ?? 0) > time;
    } catch {
      return false;
    }
  }

  /** Runs `task` while holding the browser-wide refresh lock (or directly, without Web Locks). */
  withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
    const locks = typeof navigator === 'object' ? navigator.locks : undefined;
    if (!locks) return task();
    // The lock's callback type expects a plain T; the promise it returns is flattened at runtime.
    return locks.request(REFRESH_LOCK, { mode: 'exclusive' }, task).then((result) => result);
  }
}
