import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, ElementRef, inject, signal, viewChild } from '@angular/core';
import type { Session } from '@app/contracts';
import { AuthStore, SessionsStore, toApiError } from '@app/web-data-access';
import { Button, ConfirmDialog, LoadError, Toasts } from '@app/web-ui';
import { ChangePassword } from '../change-password/change-password';
import { describeUserAgent } from '../describe-user-agent';
import { RecentActivity } from '../recent-activity/recent-activity';
import { ResendVerification } from '../resend-verification/resend-verification';
import { isEmailNotVerified, whenEmailVerified } from '../verification-required/email-verification';

/** Placeholder rows while the sessions load. */
const SKELETON_ROWS = 2;

/**
 * Who I am (with whether the email is verified, and "Resend verification email" while it is not),
 * changing the password, where I am signed in (every session with its device, IP and last use,
 * "this device" marked; revoke any other session, or sign out everywhere) and the account's recent
 * activity. Request state lives in `SessionsStore` and `AuthEventsStore`; this component renders
 * it and dispatches. When the server wants a verified address first (REQUIRE_EMAIL_VERIFICATION)
 * the page shows who is signed in as this browser knows it, says the rest is shown once the
 * address is verified (no error, no Retry), and loads it by itself then.
 */
@Component({
  selector: 'app-account-page',
  imports: [DatePipe, ConfirmDialog, Button, LoadError, ChangePassword, ResendVerification, RecentActivity],
  templateUrl: './account-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AccountPage {
  protected readonly store = inject(SessionsStore);
  protected readonly auth = inject(AuthStore);
  private readonly toasts = inject(Toasts);
  private readonly heading = viewChild.required<ElementRef<HTMLElement>>('sessionsHeading');
  private readonly activity = viewChild.required<RecentActivity>('activity');

  protected readonly busy = signal(false);
  protected readonly actionError = signal<string | null>(null);
  protected readonly describe = describeUserAgent;
  protected readonly skeleton = Array.from({ length: SKELETON_ROWS }, (_, i) => i);
  /** The server refused the sessions because the address is not verified, and it still is not. */
  protected readonly verificationRequired = computed(() => isEmailNotVerified(this.store.error()) && this.auth.user()?.emailVerified === false);
  /** Who I am: the server's answer or, while it refuses the page for an unverified address, the user this browser signed in as. */
  protected readonly me = computed(() => this.store.me() ?? (this.verificationRequired() ? this.auth.user() : null));

  constructor() {
    void this.store.load();
    whenEmailVerified(() => {
      if (isEmailNotVerified(this.store.error())) void this.store.load();
    });
  }

  protected async retry(): Promise<void> {
    await this.store.load();
    if (!this.store.error()) this.heading().nativeElement.focus();
  }

  protected async revoke(session: Session, dialog: ConfirmDialog): Promise<void> {
    const device = describeUserAgent(session.userAgent);
    if (!(await dialog.ask(`Sign out ${device}${session.ip ? ` (${session.ip})` : ''}? It will have to sign in again.`))) return;
    this.busy.set(true);
    this.actionError.set(null);
    try {
      await this.store.revoke(session);
      this.toasts.show(`Signed out ${device}.`);
      void this.activity().reload();
      // The row and its button are gone: focus stays in the section, on its heading.
      this.heading().nativeElement.focus();
    } catch (error) {
      this.actionError.set(toApiError(error).message);
    } finally {
      this.busy.set(false);
    }
  }

  /** The sessions list changed with the password: this device has a new session, the others may be gone. */
  protected passwordChanged(otherDevicesSignedOut: boolean): void {
    this.toasts.show(otherDevicesSignedOut ? 'Password changed. Your other devices were signed out.' : 'Password changed.');
    void this.store.load();
    void this.activity().reload();
  }

  protected async signOutEverywhere(dialog: ConfirmDialog): Promise<void> {
    if (!(await dialog.ask('Sign out of every device, this one included?'))) return;
    this.busy.set(true);
    await this.store.signOutEverywhere();
  }
}
