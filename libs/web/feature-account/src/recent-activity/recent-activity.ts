import { DatePipe } from '@angular/common';
import { afterNextRender, ChangeDetectionStrategy, Component, computed, ElementRef, inject, Injector } from '@angular/core';
import { AUTH_EVENT_LABELS, type AuthEvent } from '@app/contracts';
import { AuthEventsStore, AuthStore } from '@app/web-data-access';
import { LoadError, LoadMore } from '@app/web-ui';
import { describeUserAgent } from '../describe-user-agent';
import { isEmailNotVerified, whenEmailVerified } from '../verification-required/email-verification';

/** Placeholder rows while the first page loads. */
const SKELETON_ROWS = 3;

/**
 * "Recent activity": what happened to the account, newest first (sign-ins, failed sign-ins,
 * sign-outs, password changes and resets, verification), each with when, from which IP and on
 * which device, so the owner can spot what they did not do. Paged with "Load more"; a failed load
 * keeps what was shown and offers Retry. Refused for an unverified address (REQUIRE_EMAIL_VERIFICATION)
 * it says it is shown once the address is verified, and loads by itself then.
 */
@Component({
  selector: 'app-recent-activity',
  imports: [DatePipe, LoadError, LoadMore],
  templateUrl: './recent-activity.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RecentActivity {
  protected readonly events = inject(AuthEventsStore);
  private readonly auth = inject(AuthStore);
  private readonly injector = inject(Injector);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;

  protected readonly skeleton = Array.from({ length: SKELETON_ROWS }, (_, i) => i);
  protected readonly describeDevice = describeUserAgent;
  /** The server wants a verified address first, and it still is not. */
  protected readonly verificationRequired = computed(() => isEmailNotVerified(this.events.list.error()) && this.auth.user()?.emailVerified === false);
  protected readonly failureMessage = computed(() => {
    const error = this.events.list.error();
    // Not a failure to retry: the section says the address must be verified, or is asking again now that it is.
    if (!error || isEmailNotVerified(error)) return null;
    return `${this.events.list.failedAction() === 'more' ? 'Couldn’t load more activity' : 'Couldn’t load your activity'}: ${error.message}`;
  });

  constructor() {
    void this.events.load();
    whenEmailVerified(() => {
      if (isEmailNotVerified(this.events.list.error())) void this.events.retry();
    });
  }

  /** The event in words: "Signed in", "Failed sign-in (wrong password)", "Role changed (user → admin)". */
  protected describe(event: AuthEvent): string {
    const label = AUTH_EVENT_LABELS[event.type];
    const { from, to } = event.detail;
    if (event.type === 'role_changed' && typeof from === 'string' && typeof to === 'string') return `${label} (${from} → ${to})`;
    if (event.type === 'signed_out' && event.detail['allDevices'] === true) return `${label} (every device)`;
    return label;
  }

  /** Whether the event is one the owner should look at twice. */
  protected isWarning(event: AuthEvent): boolean {
    return event.type === 'sign_in_failed' || event.type === 'refresh_reuse_detected';
  }

  /** Reloads the newest events (after something on the page added one). */
  reload(): Promise<void> {
    return this.events.load();
  }

  protected async loadMore(): Promise<void> {
    this.focusRow(await this.events.loadMore());
  }

  /** The Retry button goes with the error: focus moves to the first new row, or to the section's heading. */
  protected async retry(): Promise<void> {
    const index = await this.events.retry();
    if (index !== null) this.focusRow(index);
    else if (!this.events.list.error()) this.host.querySelector<HTMLElement>('#activity-heading')?.focus();
  }

  private focusRow(index: number | null): void {
    if (index === null) return;
    afterNextRender(() => this.host.querySelector<HTMLElement>(`tr[data-row="${index}"]`)?.focus(), { injector: this.injector });
  }
}
