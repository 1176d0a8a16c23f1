import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Person } from '@app/contracts';
import { AuthStore, toApiError, TRPC_CLIENT } from '@app/web-data-access';
import { ConfirmDialog } from '@app/web-ui';

/** Rows per request; "Load more" follows the keyset `nextCursor`. */
const PAGE_SIZE = 20;

const SEARCH_DELAY_MS = 250;

/**
 * The people table: prefix search, keyset paging ("Load more"), links to edit, and delete with
 * confirmation for admins only (the server refuses everyone else with 403 anyway).
 */
@Component({
  selector: 'app-people-list',
  imports: [RouterLink, DatePipe, ConfirmDialog],
  templateUrl: './people-list.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PeopleList {
  private readonly api = inject(TRPC_CLIENT);
  protected readonly auth = inject(AuthStore);

  protected readonly search = signal('');
  /** The search as sent: trimmed; empty means everyone. */
  protected readonly term = computed(() => this.search().trim());
  protected readonly people = signal<readonly Person[]>([]);
  protected readonly nextCursor = signal<string | null>(null);
  protected readonly loading = signal(true);
  protected readonly loadingMore = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);

  /** Bumped by every new search, so an older, slower answer never overwrites a newer one. */
  private requestId = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.searchTimer));
    void this.loadFirstPage();
  }

  protected onSearchInput(value: string): void {
    this.search.set(value);
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.loadFirstPage(), SEARCH_DELAY_MS);
  }

  protected onSearchSubmit(event: Event): void {
    event.preventDefault();
    clearTimeout(this.searchTimer);
    void this.loadFirstPage();
  }

  protected async loadMore(): Promise<void> {
    const cursor = this.nextCursor();
    if (!cursor || this.loadingMore()) return;
    const id = this.requestId;
    this.loadingMore.set(true);
    this.error.set(null);
    try {
      const page = await this.api.people.list.query({ search: this.term() || undefined, cursor, limit: PAGE_SIZE });
      if (id !== this.requestId) return;
      this.people.update((people) => [...people, ...page.items]);
      this.nextCursor.set(page.nextCursor);
    } catch (error) {
      if (id === this.requestId) this.error.set(toApiError(error).message);
    } finally {
      this.loadingMore.set(false);
    }
  }

  protected async remove(person: Person, dialog: ConfirmDialog): Promise<void> {
    const name = `${person.firstName} ${person.lastName}`;
    if (!(await dialog.ask(`Delete ${name}? This cannot be undone.`))) return;
    this.error.set(null);
    this.notice.set(null);
    try {
      await this.api.people.delete.mutate({ id: person.id });
      this.people.update((people) => people.filter((p) => p.id !== person.id));
      this.notice.set(`Deleted ${name}.`);
    } catch (error) {
      this.error.set(toApiError(error).message);
    }
  }

  private async loadFirstPage(): Promise<void> {
    const id = ++this.requestId;
    this.loading.set(true);
    this.error.set(null);
    try {
      const page = await this.api.people.list.query({ search: this.term() || undefined, limit: PAGE_SIZE });
      if (id !== this.requestId) return;
      this.people.set(page.items);
      this.nextCursor.set(page.nextCursor);
    } catch (error) {
      if (id !== this.requestId) return;
      this.people.set([]);
      this.nextCursor.set(null);
      this.error.set(toApiError(error).message);
    } finally {
      if (id === this.requestId) this.loading.set(false);
    }
  }
}
