import { computed, inject, Injectable, linkedSignal } from '@angular/core';
import type { Session, User } from '@app/contracts';
import { type ApiError, toApiError } from '../api-error';
import { AuthStore } from '../auth-store';
import { TRPC_CLIENT } from '../trpc-client';

interface SessionsState {
  readonly me: User | null;
  readonly sessions: readonly Session[];
  readonly loaded: boolean;
  readonly loading: boolean;
  readonly error: ApiError | null;
}

const EMPTY: SessionsState = { me: null, sessions: [], loaded: false, loading: false, error: null };

/**
 * The sessions domain: who I am and where I am signed in (one row per device), revoking one,
 * signing out everywhere. A failed reload keeps what was shown; emptied when the user changes.
 */
@Injectable({ providedIn: 'root' })
export class SessionsStore {
  private readonly api = inject(TRPC_CLIENT);
  private readonly auth = inject(AuthStore);
  private readonly owner = computed(() => this.auth.user()?.id ?? null);
  private readonly state = linkedSignal<unknown, SessionsState>({ source: this.owner, computation: () => EMPTY });
  private loadId = 0;

  readonly me = computed(() => this.state().me);
  readonly sessions = computed(() => this.state().sessions);
  /** Whether an answer has arrived: before that there is nothing to show but placeholders. */
  readonly loaded = computed(() => this.state().loaded);
  readonly loading = computed(() => this.state().loading);
  readonly error = computed(() => this.state().error);

  /** Who I am and my sessions, asked for at the same time. */
  async load(): Promise<void> {
    const id = ++this.loadId;
    const owner = this.owner();
    this.state.update((s) => ({ ...s, loading: true }));
    const current = () => id === this.loadId && owner === this.owner();
    try {
      const [me, sessions] = await Promise.all([this.api.auth.me.query(), this.api.auth.sessions.query()]);
      if (!current()) return;
      this.state.set({ me, sessions, loaded: true, loading: false, error: null });
      this.auth.updateUser(me); // e.g. verified in another browser since this one signed in
    } catch (error) {
      if (current()) this.state.update((s) => ({ ...s, loading: false, error: toApiError(error) }));
    }
  }

  /** Revokes one session. Revoking this device's own session signs this browser out. */
  async revoke(session: Session): Promise<void> {
    await this.api.auth.revokeSession.mutate({ sessionId: session.id });
    if (session.current) {
      this.auth.sessionRevoked();
      return;
    }
    this.state.update((s) => ({ ...s, sessions: s.sessions.filter((existing) => existing.id !== session.id) }));
  }

  /** Ends every session of this user, this one included. */
  signOutEverywhere(): Promise<void> {
    return this.auth.logout({ allDevices: true });
  }
}
