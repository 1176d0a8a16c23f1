import type { AuthResult, BearerAuthResult } from '@app/contracts';
import { type ApiClientError, isApiClientError, notSignedInError } from './api-errors';
import type { StoredSession, TokenStore } from './token-store';

export interface SessionManagerOptions {
  store: TokenStore;
  /** Sends `auth.refresh({ refreshToken })`; must not go through the refreshing link itself. */
  refresh: (refreshToken: string) => Promise<AuthResult>;
  /**
   * Refresh this long before the access token expires. Never more than a quarter of the
   * token's lifetime, so a short-lived token is not refreshed on every call.
   */
  refreshMarginMs: number;
  /** Called when the server refused a refresh and the stored session was cleared. */
  onSessionEnded?: (error: ApiClientError) => void;
  now?: () => number;
}

/**
 * Holds the current session and refreshes it: before the access token expires, and after a 401.
 *
 * Refresh is single-flight: however many calls find the token expired (or get a 401 for it) at
 * once, one `auth.refresh` goes out and they all wait for it. When the server refuses the refresh
 * (401, or 400 for a token it cannot even parse) the store is cleared and every waiting call
 * fails with that error; a network failure or a 429/503 keeps the session, since the refresh
 * token may still be good.
 * @see https://trpc.io/docs/client/links#creating-a-custom-link
 */
export class SessionManager {
  private session: StoredSession | null = null;
  private loading: Promise<void> | null = null;
  private refreshing: Promise<StoredSession> | null = null;
  /** Set while a call that replaces this session (a password change) is on its way: refreshes wait for it. */
  private replacing: Promise<void> | null = null;
  /** Bumped whenever the identity changes (sign-in, sign-out), so a late refresh cannot undo it. */
  private epoch = 0;
  private writes: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly options: SessionManagerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The current session (loaded from the store on first use). */
  async current(): Promise<StoredSession | null> {
    await this.load();
    return this.session;
  }

  /** Changes when another session is adopted or the session ends; a refresh keeps it. */
  get identity(): number {
    return this.epoch;
  }

  /** The access token to send right now, without waiting for anything. */
  peekAccessToken(): string | null {
    return this.session?.accessToken ?? null;
  }

  /**
   * Before a call that needs a session: waits for a refresh in flight, or starts one when the
   * access token is about to expire. Rejects when that refresh fails.
   */
  async prepare(): Promise<void> {
    await this.load();
    if (this.refreshing) {
      await this.refreshing;
      return;
    }
    if (this.session && this.expiresSoon(this.session)) await this.refresh();
  }

  /**
   * After a call sent with `sentToken` got a 401: true when the call should be sent again (a
   * newer token is there, possibly after a refresh this call started or joined), false when there
   * is nothing to retry with — no token was sent, or since then the session ended or another
   * one began (a call is never resent as someone else). Rejects with the refresh's error when
   * the refresh fails.
   */
  async recover(sentToken: string | null, sentIdentity: number): Promise<boolean> {
    if (sentToken === null || sentIdentity !== this.epoch) return false;
    // The session is being replaced (its old tokens stop working on the server first): wait for
    // the new one rather than refreshing with a token the server would refuse.
    if (this.replacing) await this.replacing;
    if (sentIdentity !== this.epoch) return false;
    if (this.refreshing) {
      await this.refreshing;
      return true;
    }
    const session = this.session;
    if (!session) return false;
    // Someone refreshed while this call was on its way: just use the new token.
    if (session.accessToken !== sentToken) return true;
    await this.refresh();
    return true;
  }

  /** Rotates the tokens now; concurrent callers share one request. */
  refresh(): Promise<StoredSession> {
    this.refreshing ??= this.rotate().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Starts using the session of a `auth.login`/`auth.signup` answer. */
  async adopt(result: AuthResult): Promise<StoredSession> {
    if (!hasTokens(result)) throw noTokensError();
    this.epoch += 1;
    const session = this.stamp(result);
    this.session = session;
    await this.persist(() => this.options.store.save(session));
    return session;
  }

  /**
   * Marks the start of a call that replaces this session on the server (`auth.changePassword`):
   * until `release` is called, refreshes and 401 recoveries wait, then use the new session.
   */
  holdForReplacement(): () => void {
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.replacing;
    const chained = (previous ? previous.then(() => held) : held).finally(() => {
      if (this.replacing === chained) this.replacing = null;
    });
    this.replacing = chained;
    return release;
  }

  /**
   * Takes over the new session a password change answered with: same user, new tokens. The
   * identity stays (calls waiting on a 401 retry with the new token) unless the session had
   * ended meanwhile or belonged to someone else.
   */
  async replaced(result: AuthResult): Promise<void> {
    if (!hasTokens(result)) throw noTokensError();
    if (this.session?.user.id !== result.user.id) this.epoch += 1;
    const session = this.stamp(result);
    this.session = session;
    await this.persist(() => this.options.store.save(session));
  }

  /** Takes over a rotation the caller made with `auth.refresh` itself, if it rotated this session's token. */
  async rotated(presentedToken: string, result: AuthResult): Promise<void> {
    if (this.session?.refreshToken !== presentedToken || !hasTokens(result)) return;
    const session = this.stamp(result);
    this.session = session;
    await this.persist(() => this.options.store.save(session));
  }

  /**
   * The refresh token to sign out with (see `ApiClient.logout`): this session's newest, taken
   * from the store when another process sharing it has rotated the session since (an older token
   * would be taken for reuse). Null when signed out.
   */
  async signOutToken(): Promise<string | null> {
    await this.load();
    await this.writes;
    const held = this.session;
    if (!held) return null;
    const stored = await this.options.store.load().catch(() => null);
    return stored && sessionOf(stored.refreshToken) === sessionOf(held.refreshToken) ? stored.refreshToken : held.refreshToken;
  }

  /** Forgets the session here and in the store. */
  async clear(): Promise<void> {
    this.epoch += 1;
    this.session = null;
    await this.persist(() => this.options.store.clear());
  }

  private async rotate(): Promise<StoredSession> {
    await this.load();
    if (this.replacing) {
      const before = this.session?.accessToken;
      await this.replacing;
      // The replacement brought a new session: nothing to refresh.
      if (this.session && this.session.accessToken !== before) return this.session;
    }
    await this.writes;
    const epoch = this.epoch;
    const held = this.session;
    // Another process sharing the store (a second CLI run, say) may have rotated already.
    // Presenting our older token after the grace window would revoke the session: take theirs.
    const stored = await this.options.store.load();
    if (epoch !== this.epoch) return this.requireSession();
    let base = held;
    if (stored && stored.refreshToken !== held?.refreshToken) {
      this.session = stored;
      base = stored;
      if (!this.expiresSoon(stored)) return stored;
    }
    if (!base) throw notSignedInError('auth.refresh');

    let result: AuthResult;
    try {
      result = await this.options.refresh(base.refreshToken);
    } catch (error) {
      if (epoch === this.epoch && isRefusal(error)) {
        await this.clear();
        this.options.onSessionEnded?.(error);
      }
      throw error;
    }
    if (!hasTokens(result)) throw noTokensError();
    const session = this.stamp(result);
    // A sign-in or sign-out while the refresh was in flight wins over its result.
    if (epoch !== this.epoch) return this.requireSession();
    this.session = session;
    await this.persist(() => this.options.store.save(session));
    return session;
  }

  private requireSession(): StoredSession {
    if (!this.session) throw notSignedInError('auth.refresh');
    return this.session;
  }

  private load(): Promise<void> {
    if (!this.loading) {
      const epoch = this.epoch;
      this.loading = this.options.store.load().then(
        (stored) => {
          if (epoch === this.epoch) this.session = stored;
        },
        (error: unknown) => {
          this.loading = null;
          throw error;
        },
      );
    }
    return this.loading;
  }

  private expiresSoon(session: StoredSession): boolean {
    const expiresAt = Date.parse(session.accessTokenExpiresAt);
    if (!Number.isFinite(expiresAt)) return true;
    const obtainedAt = Date.parse(session.obtainedAt);
    const lifetime = Number.isFinite(obtainedAt) ? expiresAt - obtainedAt : Number.POSITIVE_INFINITY;
    const margin = Math.min(this.options.refreshMarginMs, Math.max(0, lifetime / 4));
    return this.now() >= expiresAt - margin;
  }

  private stamp(result: BearerAuthResult): StoredSession {
    return { ...result, obtainedAt: new Date(this.now()).toISOString() };
  }

  /** Store writes run one after another, in the order they were asked for. */
  private persist(write: () => Promise<void>): Promise<void> {
    const run = this.writes.then(write, write);
    this.writes = run.catch(() => undefined);
    return run;
  }
}

/** The session a refresh token belongs to: its first part, which rotation keeps. */
function sessionOf(refreshToken: string): string {
  return refreshToken.slice(0, refreshToken.indexOf('.'));
}

/** The server looked at the refresh token and said no: the session is over. */
function isRefusal(error: unknown): error is ApiClientError {
  if (!isApiClientError(error)) return false;
  const status = error.data?.httpStatus;
  return status === 401 || status === 400;
}

/** The server only withholds tokens from browsers (which it spots by their Fetch Metadata headers). */
function noTokensError(): Error {
  return new Error('The server sent no tokens: it took this client for a browser, which must use cookies');
}

/** True when the answer carries both tokens (it always does for a client that is not a browser). */
function hasTokens(result: AuthResult): result is BearerAuthResult {
  return Boolean(result.accessToken) && Boolean(result.refreshToken);
}
