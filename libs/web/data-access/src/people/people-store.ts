import { computed, inject, Injectable, linkedSignal } from '@angular/core';
import type { CreatePersonInput, Person } from '@app/contracts';
import { AuthStore } from '../auth-store';
import { PagedList } from '../paged-list';
import { TRPC_CLIENT } from '../trpc-client';

/** Rows per request; "Load more" follows the keyset `nextCursor`. */
const PAGE_SIZE = 20;

/** A person just added or saved in this tab: kept in view on the list until the next search. */
export interface RecentPersonChange {
  readonly person: Person;
  readonly kind: 'added' | 'saved';
}

/**
 * The people domain for the web app: the searchable, paged list and the create, edit and delete
 * calls. Lives as long as the app, so the list (and its search) is still there when the user
 * comes back from a form; emptied when the signed-in user changes.
 */
@Injectable({ providedIn: 'root' })
export class PeopleStore {
  private readonly api = inject(TRPC_CLIENT);
  private readonly auth = inject(AuthStore);
  /** Whose rows these are: another user (or none) empties the store. */
  private readonly owner = computed(() => this.auth.user()?.id ?? null);

  /** The list for the current search (`''`: everyone). */
  readonly list = new PagedList<Person, string>(
    (search, cursor, signal) => this.api.people.list.query({ search: search || undefined, cursor, limit: PAGE_SIZE }, { signal }),
    this.owner,
  );

  private readonly recentChange = linkedSignal<unknown, RecentPersonChange | null>({ source: this.owner, computation: () => null });
  /** The person just added or saved here, if any. */
  readonly recent = this.recentChange.asReadonly();

  /** The rows to show: the list, with the person just added or saved on top when the page lacks them. */
  readonly rows = computed<readonly Person[]>(() => {
    const items = this.list.items();
    const recent = this.recent();
    if (!recent || items.some((person) => person.id === recent.person.id)) return items;
    return [recent.person, ...items];
  });

  /** Shows the first page for `term` (trimmed; empty: everyone). A new term lets go of the recent change. */
  search(term: string): Promise<void> {
    const query = term.trim();
    const previous = this.list.requestedQuery();
    if (previous !== undefined && previous !== query) this.recentChange.set(null);
    return this.list.load(query);
  }

  loadMore(): Promise<number | null> {
    return this.list.loadMore();
  }

  retry(): Promise<number | null> {
    return this.list.retry();
  }

  byId(id: number): Promise<Person> {
    return this.api.people.byId.query({ id });
  }

  async create(input: CreatePersonInput): Promise<Person> {
    const person = await this.api.people.create.mutate(input);
    this.recentChange.set({ person, kind: 'added' });
    return person;
  }

  async update(id: number, input: CreatePersonInput): Promise<Person> {
    const person = await this.api.people.update.mutate({ id, ...input });
    this.list.replace((existing) => existing.id === id, person);
    this.recentChange.set({ person, kind: 'saved' });
    return person;
  }

  async remove(person: Person): Promise<void> {
    await this.api.people.delete.mutate({ id: person.id });
    this.list.remove((existing) => existing.id === person.id);
    if (this.recent()?.person.id === person.id) this.recentChange.set(null);
  }
}
