import { computed, inject, Injectable } from '@angular/core';
import type { AuthEvent } from '@app/contracts';
import { AuthStore } from '../auth-store';
import { PagedList } from '../paged-list';
import { TRPC_CLIENT } from '../trpc-client';

/** Events per page of "Recent activity". */
export const AUTH_EVENTS_PAGE_SIZE = 10;

/**
 * The signed-in user's own account activity (`auth.events`): sign-ins, failed sign-ins, password
 * changes and resets, newest first, paged with "Load more". Emptied when the user changes.
 */
@Injectable({ providedIn: 'root' })
export class AuthEventsStore {
  private readonly api = inject(TRPC_CLIENT);
  private readonly auth = inject(AuthStore);
  private readonly owner = computed(() => this.auth.user()?.id ?? null);

  readonly list = new PagedList<AuthEvent, null>(
    (_query, cursor, signal) => this.api.auth.events.query({ cursor, limit: AUTH_EVENTS_PAGE_SIZE }, { signal }),
    this.owner,
  );

  load(): Promise<void> {
    return this.list.load(null);
  }

  loadMore(): Promise<number | null> {
    return this.list.loadMore();
  }

  retry(): Promise<number | null> {
    return this.list.retry();
  }
}
