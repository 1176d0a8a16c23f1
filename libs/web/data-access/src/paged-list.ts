import { computed, linkedSignal, type Signal, untracked, type WritableSignal } from '@angular/core';
import { type ApiError, toApiError } from './api-error';

/** One page of a keyset-paged list, as the server's `*.list` procedures answer. */
export interface ListPage<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** Fetches one page for `query`, from `cursor` (none: the first page); aborts when `signal` fires. */
export type PageLoader<T, Q> = (query: Q, cursor: string | undefined, signal: AbortSignal) => Promise<ListPage<T>>;

interface ListState<T, Q> {
  /** The query the shown items answer; `null` until the first answer. */
  readonly shown: { readonly query: Q } | null;
  /** The query last asked for: what the user is looking for now. */
  readonly requested: { readonly query: Q } | null;
  readonly items: readonly T[];
  readonly nextCursor: string | null;
  readonly pending: 'first' | 'more' | null;
  /** The last failure and what to retry; cleared by the next success. */
  readonly failure: { readonly action: 'first' | 'more'; readonly query: Q; readonly error: ApiError } | null;
}

interface Ticket {
  readonly signal: AbortSignal;
  readonly owner: unknown;
}

function emptyState<T, Q>(): ListState<T, Q> {
  return { shown: null, requested: null, items: [], nextCursor: null, pending: null, failure: null };
}

/**
 * The request bookkeeping of a "search + Load more" list, kept out of components:
 * - `load(query)` asks for the first page and cancels whatever is still in flight, so an older,
 *   slower answer never overwrites a newer one; the rows already shown stay until the answer
 *   arrives (in-place progress, no flicker);
 * - `loadMore()` follows `nextCursor`;
 * - a failure keeps the last results and records what failed, so `retry()` can repeat it;
 * - everything resets when `owner` changes (another user signed in, or nobody), so one user's
 *   rows are never shown to the next.
 */
export class PagedList<T, Q> {
  private readonly loader: PageLoader<T, Q>;
  private readonly owner: Signal<unknown>;
  private readonly sameQuery: (a: Q, b: Q) => boolean;
  private readonly state: WritableSignal<ListState<T, Q>>;
  private controller: AbortController | null = null;

  /**
   * @param loader fetches one page
   * @param owner whose rows these are (e.g. the signed-in user's id): a change empties the list
   * @param sameQuery compares queries (default `Object.is`)
   */
  constructor(loader: PageLoader<T, Q>, owner: Signal<unknown>, sameQuery: (a: Q, b: Q) => boolean = Object.is) {
    this.loader = loader;
    this.owner = owner;
    this.sameQuery = sameQuery;
    this.state = linkedSignal<unknown, ListState<T, Q>>({ source: owner, computation: () => emptyState<T, Q>() });
  }

  readonly items = computed(() => this.state().items);
  readonly nextCursor = computed(() => this.state().nextCursor);
  readonly hasMore = computed(() => this.state().nextCursor !== null);
  /** Whether any answer has arrived: before that there is nothing to show but placeholders. */
  readonly loaded = computed(() => this.state().shown !== null);
  /** The query the shown rows answer (undefined before the first answer). */
  readonly shownQuery = computed(() => this.state().shown?.query);
  /** The query last asked for (undefined before the first load). */
  readonly requestedQuery = computed(() => this.state().requested?.query);
  /** First load with nothing to show yet (placeholders). */
  readonly loadingFirst = computed(() => this.state().pending === 'first' && !this.loaded());
  /** A new first page is on its way while the previous rows stay on screen. */
  readonly refreshing = computed(() => this.state().pending === 'first' && this.loaded());
  readonly loadingMore = computed(() => this.state().pending === 'more');
  readonly busy = computed(() => this.state().pending !== null);
  readonly error = computed(() => this.state().failure?.error ?? null);
  /** What failed last: the first page or the next one (`null`: nothing failed). */
  readonly failedAction = computed(() => this.state().failure?.action ?? null);
  /** Whether the rows on screen answer an older query than the one asked for (after a failure). */
  readonly stale = computed(() => {
    const { shown, requested } = this.state();
    return shown !== null && requested !== null && !this.sameQuery(shown.query, requested.query);
  });

  /** Loads the first page for `query`, replacing the rows once it arrives. */
  async load(query: Q): Promise<void> {
    const ticket = this.begin('first', query);
    try {
      const page = await this.loader(query, undefined, ticket.signal);
      if (!this.isCurrent(ticket)) return;
      this.state.update((s) => ({ ...s, shown: { query }, items: page.items, nextCursor: page.nextCursor, pending: null, failure: null }));
    } catch (error) {
      if (this.isCurrent(ticket)) this.fail('first', query, error);
    }
  }

  /**
   * Appends the next page. Resolves to the index of the first new row (for moving focus to it),
   * or null when nothing was added.
   */
  async loadMore(): Promise<number | null> {
    const { nextCursor, shown, pending } = untracked(this.state);
    if (nextCursor === null || shown === null || pending !== null) return null;
    const ticket = this.begin('more', shown.query);
    try {
      const page = await this.loader(shown.query, nextCursor, ticket.signal);
      if (!this.isCurrent(ticket)) return null;
      const firstNew = untracked(this.state).items.length;
      this.state.update((s) => ({ ...s, items: [...s.items, ...page.items], nextCursor: page.nextCursor, pending: null, failure: null }));
      return page.items.length > 0 ? firstNew : null;
    } catch (error) {
      if (this.isCurrent(ticket)) this.fail('more', shown.query, error);
      return null;
    }
  }

  /** Repeats what failed last: the first page of the query asked for, or the next page. */
  async retry(): Promise<number | null> {
    const failure = untracked(this.state).failure;
    if (!failure) return null;
    if (failure.action === 'more') return this.loadMore();
    await this.load(failure.query);
    return null;
  }

  /** Replaces the row `matches` finds with `item`; false when no shown row matches. */
  replace(matches: (item: T) => boolean, item: T): boolean {
    const index = untracked(this.state).items.findIndex(matches);
    if (index < 0) return false;
    this.state.update((s) => ({ ...s, items: s.items.map((existing, i) => (i === index ? item : existing)) }));
    return true;
  }

  /** Drops the rows `matches` finds. */
  remove(matches: (item: T) => boolean): void {
    this.state.update((s) => ({ ...s, items: s.items.filter((item) => !matches(item)) }));
  }

  /** Cancels the request in flight and starts a new one, tied to the current owner. */
  private begin(action: 'first' | 'more', query: Q): Ticket {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.state.update((s) => ({ ...s, pending: action, requested: action === 'first' ? { query } : s.requested }));
    return { signal: controller.signal, owner: untracked(this.owner) };
  }

  /** An answer counts only if nothing newer started and the same user is still signed in. */
  private isCurrent(ticket: Ticket): boolean {
    return !ticket.signal.aborted && Object.is(untracked(this.owner), ticket.owner);
  }

  private fail(action: 'first' | 'more', query: Q, error: unknown): void {
    this.state.update((s) => ({ ...s, pending: null, failure: { action, query, error: toApiError(error) } }));
  }
}
