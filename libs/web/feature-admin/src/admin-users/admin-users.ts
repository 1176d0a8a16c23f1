import { afterNextRender, ChangeDetectionStrategy, Component, computed, ElementRef, inject, Injector } from '@angular/core';
import type { Role, User } from '@app/contracts';
import { AuthStore, toApiError, UsersStore } from '@app/web-data-access';
import { ConfirmDialog, LoadError, LoadMore, Toasts } from '@app/web-ui';

const ROLES: readonly Role[] = ['user', 'admin'];
/** Placeholder rows while the first page loads. */
const SKELETON_ROWS = 5;

const withArticle = (role: Role) => (role === 'admin' ? 'an admin' : 'a user');

/**
 * Admins only: every user with a role picker. Changing a role signs that user out everywhere
 * (the server revokes their sessions), so the app asks first. An admin cannot change their own
 * role here, so nobody locks themselves out by accident; the row says so.
 */
@Component({
  selector: 'app-admin-users',
  imports: [ConfirmDialog, LoadError, LoadMore],
  templateUrl: './admin-users.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AdminUsers {
  protected readonly users = inject(UsersStore);
  protected readonly auth = inject(AuthStore);
  private readonly toasts = inject(Toasts);
  private readonly injector = inject(Injector);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;

  protected readonly roles = ROLES;
  protected readonly skeleton = Array.from({ length: SKELETON_ROWS }, (_, i) => i);
  protected readonly failureMessage = computed(() => {
    const error = this.users.list.error();
    if (!error) return null;
    return `${this.users.list.failedAction() === 'more' ? 'Couldn’t load more users' : 'Couldn’t load users'}: ${error.message}`;
  });

  constructor() {
    void this.users.load();
  }

  protected async loadMore(): Promise<void> {
    this.focusRow(await this.users.loadMore());
  }

  protected async retry(): Promise<void> {
    this.focusRow((await this.users.retry()) ?? (this.users.list.error() ? null : 0));
  }

  protected async changeRole(user: User, value: string, select: HTMLSelectElement, dialog: ConfirmDialog): Promise<void> {
    if ((value !== 'user' && value !== 'admin') || value === user.role) return;
    const confirmed = await dialog.ask(
      `Make ${user.email} ${withArticle(value)}? They will be signed out on every device and get the new role when they sign in again.`,
    );
    if (!confirmed) {
      select.value = user.role;
      return;
    }
    try {
      const updated = await this.users.setRole(user, value);
      this.toasts.show(`${updated.email} is now ${withArticle(updated.role)}; their sessions were signed out.`);
    } catch (error) {
      select.value = user.role;
      this.toasts.show(`Could not change the role of ${user.email}: ${toApiError(error).message}`);
    }
    // The select was disabled while saving: focus it again once it is enabled.
    afterNextRender(() => select.focus(), { injector: this.injector });
  }

  private focusRow(index: number | null): void {
    if (index === null) return;
    afterNextRender(() => this.host.querySelector<HTMLElement>(`tr[data-row="${index}"]`)?.focus(), { injector: this.injector });
  }
}
