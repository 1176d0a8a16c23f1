import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, ElementRef, inject, signal, viewChild } from '@angular/core';
import type { Session } from '@app/contracts';
import { AuthStore, SessionsStore, toApiError } from '@app/web-data-access';
import { Button, ConfirmDialog, LoadError, Toasts } from '@app/web-ui';
import { ChangePassword } from '../change-password/change-password';
import { describeUserAgent } from '../describe-user-agent';
import { RecentActivity } from '../recent-activity/recent-activity';
import { ResendVerification } from '../resend-verification/resend-verification';

/** Placeholder rows while the sessions load. */
const SKELETON_ROWS = 2;

/**
 * Who I am (with whether the email is verified, and "Resend verification email" while it is not),
 * changing the password, where I am signed in (every session with its device, IP and last use,
 * "this device" marked; revoke any other session, or sign out everywhere) and the account's recent
 * activity. Request state lives in `SessionsStore` and `AuthEventsStore`; this component renders
 * it and dispatches.
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

  constructor() {
    void this.store.load();
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
