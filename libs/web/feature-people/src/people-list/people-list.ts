import { DatePipe } from '@angular/common';
import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  ElementRef,
  inject,
  Injector,
  input,
  linkedSignal,
  untracked,
  viewChild,
} from '@angular/core';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import type { Person } from '@app/contracts';
import { AuthStore, PeopleStore, toApiError } from '@app/web-data-access';
import { isEmailNotVerified, VerificationRequired, whenEmailVerified } from '@app/web-feature-account';
import { Button, ConfirmDialog, EmptyState, LoadError, LoadMore, Spinner, Toasts } from '@app/web-ui';

const SEARCH_DELAY_MS = 250;
/** Placeholder rows while the first page loads: the table keeps its shape, so nothing jumps. */
const SKELETON_ROWS = 8;

/** What the form passes back, through the navigation's state, so the list can focus that row. */
export interface PeopleListNavigationState {
  readonly focusPersonId?: number;
}

/**
 * The people table: prefix search (kept in the address as `?q=`), "Load more" paging, links to
 * edit, and delete with confirmation for admins only (the server refuses everyone else with 403
 * anyway). The request state lives in `PeopleStore`; this component renders it and dispatches.
 * When the server wants a verified address first (REQUIRE_EMAIL_VERIFICATION) the page says so
 * instead of an error, and loads by itself once the address is verified.
 */
@Component({
  selector: 'app-people-list',
  imports: [RouterLink, DatePipe, ConfirmDialog, Button, LoadMore, LoadError, EmptyState, Spinner, VerificationRequired],
  templateUrl: './people-list.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PeopleList {
  protected readonly people = inject(PeopleStore);
  protected readonly auth = inject(AuthStore);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly toasts = inject(Toasts);
  private readonly injector = inject(Injector);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  private readonly searchBox = viewChild.required<ElementRef<HTMLInputElement>>('searchInput');

  /** The `?q=` query parameter (component input binding). */
  readonly q = input<string>();
  /** What is in the search box: follows the address, and the user's typing. */
  protected readonly searchText = linkedSignal(() => this.q() ?? '');
  /** The search the shown rows answer. */
  protected readonly shownTerm = computed(() => this.people.list.shownQuery() ?? '');
  protected readonly skeleton = Array.from({ length: SKELETON_ROWS }, (_, i) => i);
  /**
   * The server refused the list because the address is not verified (REQUIRE_EMAIL_VERIFICATION)
   * and it still is not: the page says so instead of an error; verifying is the way on.
   */
  protected readonly verificationRequired = computed(() => isEmailNotVerified(this.people.list.error()) && this.auth.user()?.emailVerified === false);
  protected readonly failureMessage = computed(() => {
    const error = this.people.list.error();
    // Not a failure to retry: the page says the address must be verified, or is asking again now that it is.
    if (!error || isEmailNotVerified(error)) return null;
    if (this.people.list.failedAction() === 'more') return `Couldn’t load more people: ${error.message}`;
    const asked = this.people.list.requestedQuery() ?? '';
    const what = asked ? `Couldn’t search for “${asked}”` : 'Couldn’t load people';
    const still = this.people.list.stale() ? ` Still showing ${this.shownTerm() ? `the results for “${this.shownTerm()}”` : 'everyone'}.` : '';
    return `${what}: ${error.message}${still}`;
  });

  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.searchTimer));
    effect(() => {
      const term = (this.q() ?? '').trim();
      untracked(() => void this.people.search(term));
    });
    // Verified meanwhile (the link opened in this browser): the list refused for it is asked for again, once.
    whenEmailVerified(() => {
      if (isEmailNotVerified(this.people.list.error())) void this.people.retry();
    });
    const state = this.router.currentNavigation()?.extras.state as PeopleListNavigationState | undefined;
    if (state?.focusPersonId !== undefined) this.focusPersonWhenShown(state.focusPersonId);
  }

  /** Typing: the address (and so the search) follows after a short pause. */
  protected typeSearch(value: string): void {
    this.searchText.set(value);
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.showSearch(value), SEARCH_DELAY_MS);
  }

  /** Enter: search now (again, if the term is unchanged: e.g. after a failure). */
  protected searchNow(event: Event): void {
    event.preventDefault();
    clearTimeout(this.searchTimer);
    const term = this.searchText().trim();
    if (term === (this.q() ?? '').trim()) void this.people.search(term);
    else this.showSearch(term);
  }

  protected clearSearch(): void {
    this.searchText.set('');
    this.showSearch('');
    this.searchBox().nativeElement.focus();
  }

  protected async loadMore(): Promise<void> {
    this.focusRow(await this.people.loadMore());
  }

  protected async retry(): Promise<void> {
    const firstNew = await this.people.retry();
    // The Retry button is gone once it worked: keep focus on the list, not on <body>.
    if (firstNew !== null) this.focusRow(firstNew);
    else if (!this.people.list.error()) this.searchBox().nativeElement.focus();
  }

  protected async remove(person: Person, dialog: ConfirmDialog): Promise<void> {
    const name = `${person.firstName} ${person.lastName}`;
    if (!(await dialog.ask(`Delete ${name}? This cannot be undone.`))) return;
    const index = this.people.rows().findIndex((row) => row.id === person.id);
    try {
      await this.people.remove(person);
      this.toasts.show(`Deleted ${name}.`);
      // The row (and the button that had focus) is gone: focus its neighbour, or the search box.
      const rows = this.people.rows().length;
      if (rows === 0) this.searchBox().nativeElement.focus();
      else this.focusRow(Math.min(index, rows - 1));
    } catch (error) {
      this.toasts.show(`Could not delete ${name}: ${toApiError(error).message}`);
    }
  }

  protected isRecent(person: Person): 'added' | 'saved' | null {
    const recent = this.people.recent();
    return recent?.person.id === person.id ? recent.kind : null;
  }

  private showSearch(term: string): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: { q: term.trim() || null }, replaceUrl: true });
  }

  /** Moves focus to row `index` once it is on screen. */
  private focusRow(index: number | null): void {
    if (index === null) return;
    afterNextRender(() => this.host.querySelector<HTMLElement>(`tr[data-row="${index}"]`)?.focus(), { injector: this.injector });
  }

  /** After a save, focus the saved row as soon as the list shows it. */
  private focusPersonWhenShown(id: number): void {
    const watcher = effect(
      () => {
        const index = this.people.rows().findIndex((person) => person.id === id);
        // Wait for the fresh page: rows moving under it would drop the focus again.
        if (index < 0 || this.people.list.busy()) return;
        untracked(() => this.focusRow(index));
        watcher.destroy();
      },
      { injector: this.injector },
    );
  }
}
