import { computed, inject, Injectable, signal } from '@angular/core';
import type { Role, User } from '@app/contracts';
import { AuthStore } from '../auth-store';
import { PagedList } from '../paged-list';
import { TRPC_CLIENT } from '../trpc-client';

const PAGE_SIZE = 20;

/**
 * The users domain (admins only): every account, paged, and role changes. A role change signs
 * that user out everywhere (the server revokes their sessions), so the new role applies at once.
 */
@Injectable({ providedIn: 'root' })
export class UsersStore {
  private readonly api = inject(TRPC_CLIENT);
  private readonly auth = inject(AuthStore);
  private readonly owner = computed(() => this.auth.user()?.id ?? null);

  readonly list = new PagedList<User, null>((_query, cursor, signal) => this.api.users.list.query({ cursor, limit: PAGE_SIZE }, { signal }), this.owner);

  private readonly savingId = signal<string | null>(null);
  /** The user whose role is being changed. */
  readonly saving = this.savingId.asReadonly();

  load(): Promise<void> {
    return this.list.load(null);
  }

  loadMore(): Promise<number | null> {
    return this.list.loadMore();
  }

  retry(): Promise<number | null> {
    return this.list.retry();
  }

  async setRole(user: User, role: Role): Promise<User> {
    this.savingId.set(user.id);
    try {
      const updated = await this.api.users.setRole.mutate({ userId: user.id, role });
      this.list.replace((existing) => existing.id === updated.id, updated);
      return updated;
    } finally {
      this.savingId.set(null);
    }
  }
}
