import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import type { Role, User } from '@app/contracts';
import { AuthStore, toApiError, TRPC_CLIENT } from '@app/web-data-access';

const PAGE_SIZE = 20;
const ROLES: readonly Role[] = ['user', 'admin'];

/**
 * Admins only: every user with a role picker. Changing a role signs that user out everywhere
 * (the server revokes their sessions), so the new role applies at once. An admin cannot change
 * their own role here, so nobody locks themselves out by accident.
 */
@Component({
  selector: 'app-admin-users',
  templateUrl: './admin-users.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AdminUsers {
  private readonly api = inject(TRPC_CLIENT);
  protected readonly auth = inject(AuthStore);

  protected readonly roles = ROLES;
  protected readonly users = signal<readonly User[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(true);
  protected readonly loadingMore = signal(false);
  protected readonly savingId = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);

  constructor() {
    void this.load();
  }

  protected async loadMore(): Promise<void> {
    const cursor = this.nextCursor();
    if (!cursor) return;
    this.loadingMore.set(true);
    try {
      const page = await this.api.users.list.query({ cursor, limit: PAGE_SIZE });
      this.users.update((users) => [...users, ...page.items]);
      this.nextCursor.set(page.nextCursor);
    } catch (error) {
      this.error.set(toApiError(error).message);
    } finally {
      this.loadingMore.set(false);
    }
  }

  protected async setRole(user: User, role: string, select: HTMLSelectElement): Promise<void> {
    if (role !== 'user' && role !== 'admin') return;
    if (role === user.role) return;
    this.savingId.set(user.id);
    this.error.set(null);
    this.notice.set(null);
    try {
      const updated = await this.api.users.setRole.mutate({ userId: user.id, role });
      this.users.update((users) => users.map((u) => (u.id === updated.id ? updated : u)));
      this.notice.set(`${updated.email} is now ${updated.role === 'admin' ? 'an admin' : 'a user'}; their sessions were signed out.`);
    } catch (error) {
      select.value = user.role;
      this.error.set(toApiError(error).message);
    } finally {
      this.savingId.set(null);
    }
  }

  private async load(): Promise<void> {
    this.loading.set(true);
    try {
      const page = await this.api.users.list.query({ limit: PAGE_SIZE });
      this.users.set(page.items);
      this.nextCursor.set(page.nextCursor);
    } catch (error) {
      this.error.set(toApiError(error).message);
    } finally {
      this.loading.set(false);
    }
  }
}
