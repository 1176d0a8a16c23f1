import { HttpContext } from '@angular/common/http';
import { computed, DestroyRef, inject, Injectable, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { AuthResult, LoginInput, SignupInput, User } from '@app/contracts';
import { HTTP_CONTEXT } from './angular-http-link';
import { isSessionEndedError } from './api-error';
import { REDIRECT_WHEN_SIGNED_OUT, SKIP_SESSION_REFRESH } from './auth-http-context';
import { PendingSignOut } from './pending-sign-out';
import { isSignInPage } from './return-url';
import { clearSessionHint, readSessionHint, writeSessionHint } from './session-hint';
import { SessionSync, type SessionMessage } from './session-sync';
import { TRPC_CLIENT } from './trpc-client';

/** `restoring` until the start-up check (`auth.me`) has answered. */
export type AuthStatus = 'restoring' | 'signed-in' | 'signed-out';

/** How long before the access token expires the app refreshes it unasked. */
export const PROACTIVE_REFRESH_LEAD_MS = 30_000;

/** At start, an access token closer to expiry than this is renewed first (one call, not me → 401 → refresh → me). */
const RESTORE_FRESHNESS_MS = 2_000;

/**
 * Before a call that replaces the session (changing the password), an access token with less life
 * than this is renewed first: the call itself must not need a refresh (see `replaceSession`).
 */
const REPLACE_FRESHNESS_MS = 10_000;

/** setTimeout's largest delay; longer ones fire at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** A call that must not route to /login by itself (the caller or a guard decides). */
function quietContext(): Record<string, unknown> {
  return { [HTTP_CONTEXT]: new HttpContext().set(REDIRECT_WHEN_SIGNED_OUT, false) };
}

/** A call sent with a fresh access token that must never set off a refresh itself. */
function noRefreshContext(): Record<string, unknown> {
  return { [HTTP_CONTEXT]: new HttpContext().set(SKIP_SESSION_REFRESH, true) };
}

const parseTime = (iso: string | undefined) => {
  const time = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(time) ? time : null;
};

/**
 * The signed-in user and the session's lifecycle. Tokens never reach script: the server keeps them
 * in httpOnly cookies; the store keeps the user and when the access token expires.
 *
 * - `restore()` at start: nothing to ask when this browser holds no session (the session hint),
 *   `auth.refresh` when the access token has expired, else `auth.me`.
 * - `logout()` clears this browser at once and tells the server as soon as it can be reached
 *   (`PendingSignOut`).
 * - `refresh()`: one shared `auth.refresh` for every caller in this tab and, through a Web Lock,
 *   across tabs; a refresh seen by this tab (its own or another tab's) bumps a generation counter
 *   so a 401 for a request sent before it is simply retried.
 * - A proactive refresh shortly before `accessTokenExpiresAt`.
 * - Sign-in, refresh and sign-out are broadcast to the other tabs.
 */
@Injectable({ providedIn: 'root' })
export class AuthStore {
  private readonly api = inject(TRPC_CLIENT);
  private readonly router = inject(Router);
  private readonly sync = inject(SessionSync);
  private readonly pendingSignOut = inject(PendingSignOut);

  private readonly state = signal<{ status: AuthStatus; user: User | null }>({ status: 'restoring', user: null });
  readonly status = computed(() => this.state().status);
  readonly user = computed(() => this.state().user);
  readonly isSignedIn = computed(() => this.state().user !== null);
  readonly isAdmin = computed(() => this.state().user?.role === 'admin');
  /** Where the last sign-out stands (for the sign-in page). */
  readonly signOutStatus = this.pendingSignOut.status;

  private expiresAt: number | null = null;
  private generation = 0;
  private refreshing: Promise<void> | null = null;
  /** The session (by generation) whose refresh the server refused, and its answer; a new session has a higher generation. */
  private refused: { readonly generation: number; readonly error: unknown } | null = null;
  /** A call replacing the session (see `replaceSession`); settles whatever its outcome. */
  private replacing: Promise<void> | null = null;
  private restoring: Promise<void> | null = null;
  private redirecting = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    const stop = this.sync.listen((message) => this.onMessage(message));
    inject(DestroyRef).onDestroy(() => {
      stop();
      clearTimeout(this.timer);
    });
  }

  /** Restores the session from the cookies once; guards wait for it before deciding. */
  restore(): Promise<void> {
    this.restoring ??= this.restoreSession();
    return this.restoring;
  }

  /** Counts the refreshes this tab knows of; the interceptor notes it when it sends a request. */
  refreshGeneration(): number {
    return this.generation;
  }

  /**
   * Makes sure a fresh access cookie is in place. Resolves at once if a refresh completed after
   * generation `seen`; otherwise joins the refresh in flight or starts the only one. Rejects when
   * the refresh fails; when the server rejected it (401) the session is cleared here, once, and a
   * 401 that arrives later for a call sent under that same session gets the same refusal without
   * asking the server again.
   */
  refresh(seen = this.generation): Promise<void> {
    if (this.generation > seen) return Promise.resolve();
    if (this.refused?.generation === seen) return Promise.reject(this.refused.error);
    // The session is being replaced: its successor's cookies are on the way (or, if that fails, the session is unchanged).
    if (this.replacing) return this.replacing.then(() => this.refresh(seen));
    const askedAt = Date.now();
    this.refreshing ??= this.sync
      .withRefreshLock(async () => {
        // Another tab may have refreshed while this one waited for the lock: the cookie is shared.
        if (this.generation > seen || this.sync.refreshedSince(askedAt)) return;
        await this.renew();
      })
      .catch((error: unknown) => {
        if (isSessionEndedError(error)) {
          this.refused = { generation: this.generation, error };
          this.endSession();
        }
        throw error;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  async login(input: LoginInput): Promise<User> {
    await this.settlePendingSignOut();
    const result = await this.api.auth.login.mutate(input);
    this.signedInAfresh(result);
    return result.user;
  }

  async signup(input: SignupInput): Promise<User> {
    await this.settlePendingSignOut();
    const result = await this.api.auth.signup.mutate(input);
    this.signedInAfresh(result);
    return result.user;
  }

  /**
   * Runs a call that ends this session and answers with its successor (`auth.changePassword`),
   * and takes the new session on, in this tab and the others.
   *
   * While it runs, no tab may refresh: a refresh with the cookie being replaced would be refused
   * (the server has just ended that session), sign everyone out and clear the new cookies. So the
   * call holds the refresh lock, and a 401 in this tab meanwhile waits for it and is then retried
   * with the new cookies. The call itself is sent with a fresh access token and never refreshes
   * (it would wait for its own lock). If it fails, the session is as it was: waiting requests
   * refresh as usual.
   *
   * @param call sends the request with the given tRPC call options
   */
  replaceSession(call: (options: { context: Record<string, unknown> }) => Promise<AuthResult>): Promise<AuthResult> {
    const replaced = this.sync.withRefreshLock(async () => {
      if (this.expiresAt === null || this.expiresAt - Date.now() < REPLACE_FRESHNESS_MS) {
        await this.renew().catch((error: unknown) => {
          if (isSessionEndedError(error)) this.sessionRevoked();
          throw error;
        });
      }
      const result = await call({ context: noRefreshContext() });
      this.sync.markRefreshed();
      this.accept(result, 'refreshed');
      return result;
    });
    const settle = () => {
      if (this.replacing === replacing) this.replacing = null;
    };
    const replacing: Promise<void> = replaced.then(settle, settle);
    this.replacing = replacing;
    return replaced;
  }

  /**
   * Signs out here (or everywhere): this browser is cleared at once, the other tabs are told and
   * the app goes to the login page; then the server is told. If it cannot be reached, the
   * sign-out stays pending (a reload stays signed out) and is sent as soon as it can be.
   */
  async logout(options: { allDevices?: boolean } = {}): Promise<void> {
    this.pendingSignOut.record(options.allDevices ?? false);
    this.endSession();
    await this.router.navigateByUrl('/login');
    await this.pendingSignOut.finish();
  }

  /**
   * Takes on a fresher copy of the signed-in user (e.g. `auth.me` after the email was verified),
   * here and in the other tabs. A user other than the one signed in is ignored.
   */
  updateUser(user: User): void {
    if (!this.applyUser(user)) return;
    this.sync.publish({ type: 'user-updated', user });
  }

  /**
   * Asks the server who this browser is signed in as, after a call that may have changed it
   * without answering a session (verifying an email, resetting a password, which ends every session
   * of its account). The user is updated; a session the server has ended is forgotten here and in
   * the other tabs (by the refresh it refuses), without routing anywhere: the caller decides.
   * A failure that says nothing about the session (offline) changes nothing.
   */
  async confirmSession(): Promise<void> {
    if (this.status() === 'restoring') await this.restore();
    if (!this.isSignedIn()) return;
    try {
      this.updateUser(await this.api.auth.me.query(undefined, { context: quietContext() }));
    } catch {
      // A refused refresh has ended the session already (see refresh()); anything else keeps it.
    }
  }

  /** After this tab's own session was revoked by the server (e.g. revoking this device). */
  sessionRevoked(): void {
    this.endSession();
    this.redirectToLogin();
  }

  /** Routes to `/login?returnUrl=<where the user was going>`, once, unless already there. */
  redirectToLogin(): void {
    if (this.redirecting) return;
    const navigation = this.router.currentNavigation();
    const target = navigation?.finalUrl ?? navigation?.extractedUrl;
    const returnUrl = target ? this.router.serializeUrl(target) : this.router.url;
    if (isSignInPage(returnUrl)) return;
    this.redirecting = true;
    void this.router
      .navigate(['/login'], { queryParams: returnUrl === '/' ? {} : { returnUrl } })
      .finally(() => {
        this.redirecting = false;
      });
  }

  private async restoreSession(): Promise<void> {
    if (this.pendingSignOut.isPending()) {
      // Signed out here while the server could not be told: stay signed out, and tell it now.
      this.clear();
      void this.pendingSignOut.finish();
      return;
    }
    const hint = readSessionHint();
    if (!hint) {
      // No session was started in this browser (or it has ended): no call could succeed.
      this.clear();
      return;
    }
    try {
      if (hint.accessTokenExpiresAt !== null && hint.accessTokenExpiresAt - Date.now() < RESTORE_FRESHNESS_MS) {
        await this.refresh(); // answers with the user too
        if (this.isSignedIn()) return;
      }
      const user = await this.api.auth.me.query(undefined, { context: quietContext() });
      this.setSession(user, { accessTokenExpiresAt: this.expiresAt ?? hint.accessTokenExpiresAt });
    } catch {
      // A refused session was forgotten by refresh(); a passing failure keeps the hint for next time.
      this.clear();
    }
  }

  /** One `auth.refresh` with the cookie; call it holding the refresh lock. */
  private async renew(): Promise<void> {
    const result = await this.api.auth.refresh.mutate();
    this.sync.markRefreshed();
    this.accept(result, 'refreshed');
  }

  /** Before a new sign-in, a sign-out still pending is sent: the new session's cookies will replace these. */
  private async settlePendingSignOut(): Promise<void> {
    if (this.pendingSignOut.isPending()) await this.pendingSignOut.finish();
  }

  private signedInAfresh(result: AuthResult): void {
    // Whatever was still pending belonged to the cookies this sign-in just replaced.
    this.pendingSignOut.abandon();
    this.accept(result, 'signed-in');
  }

  private accept(result: AuthResult, type: 'signed-in' | 'refreshed'): void {
    this.generation += 1;
    this.setSession(result.user, {
      accessTokenExpiresAt: parseTime(result.accessTokenExpiresAt),
      sessionExpiresAt: parseTime(result.refreshTokenExpiresAt),
    });
    this.sync.publish({ type, user: result.user, accessTokenExpiresAt: result.accessTokenExpiresAt });
  }

  private setSession(user: User, expiries: { accessTokenExpiresAt: number | null; sessionExpiresAt?: number | null }): void {
    this.state.set({ status: 'signed-in', user });
    this.expiresAt = expiries.accessTokenExpiresAt;
    writeSessionHint(expiries);
    this.schedule();
  }

  /** Clears this tab's state (not the stored hint: another tab or a passing failure may still need it). */
  private clear(): void {
    clearTimeout(this.timer);
    this.expiresAt = null;
    this.state.set({ status: 'signed-out', user: null });
  }

  /** Clears this tab, forgets the session and tells the others: they share the cookies, so their session is over too. */
  private endSession(): void {
    const wasSignedIn = this.state().user !== null;
    this.clear();
    clearSessionHint();
    if (wasSignedIn) this.sync.publish({ type: 'signed-out' });
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.expiresAt === null) return;
    const delay = this.expiresAt - PROACTIVE_REFRESH_LEAD_MS - Date.now();
    // A token too short-lived for the lead is refreshed on demand, by the interceptor, on its first 401.
    if (delay <= 0) return;
    if (delay > MAX_TIMEOUT_MS) {
      this.timer = setTimeout(() => this.schedule(), MAX_TIMEOUT_MS);
      return;
    }
    this.timer = setTimeout(() => {
      this.refresh().catch((error: unknown) => {
        if (isSessionEndedError(error)) this.redirectToLogin();
      });
    }, delay);
  }

  /** Replaces the signed-in user's details; false when nobody or someone else is signed in. */
  private applyUser(user: User): boolean {
    const current = this.state();
    if (current.user?.id !== user.id) return false;
    this.state.set({ ...current, user });
    return true;
  }

  private onMessage(message: SessionMessage): void {
    if (message.type === 'signed-out') {
      if (this.state().user === null) return;
      this.clear();
      this.redirectToLogin();
      return;
    }
    if (message.type === 'user-updated') {
      this.applyUser(message.user);
      return;
    }
    // Another tab signed in or refreshed: the shared cookies are fresh, so a 401 seen here is retried.
    this.generation += 1;
    this.setSession(message.user, { accessTokenExpiresAt: parseTime(message.accessTokenExpiresAt) });
  }
}
