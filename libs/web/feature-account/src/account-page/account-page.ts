import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import type { Session, User } from '@app/contracts';
import { AuthStore, toApiError, TRPC_CLIENT } from '@app/web-data-access';
import { ConfirmDialog } from '@app/web-ui';
import { describeUserAgent } from '../describe-user-agent';

/**
 * Who I am and where I am signed in: every session with its device, IP and last use, "this
 * device" marked; revoke any other session, or sign out everywhere.
 */
@Component({
  selector: 'app-account-page',
  imports: [DatePipe, ConfirmDialog],
  templateUrl: './account-page.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AccountPage {
  private readonly api = inject(TRPC_CLIENT);
  private readonly auth = inject(AuthStore);

  protected readonly me = signal<User | null>(null);
  protected readonly sessions = signal<readonly Session[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly describe = describeUserAgent;

  constructor() {
    void this.load();
  }

  protected async revoke(session: Session, dialog: ConfirmDialog): Promise<void> {
    const device = describeUserAgent(session.userAgent);
    if (!(await dialog.ask(`Sign out ${device}${session.ip ? ` (${session.ip})` : ''}? It will have to sign in again.`))) return;
    this.busy.set(true);
    this.error.set(null);
    this.notice.set(null);
    try {
      await this.api.auth.revokeSession.mutate({ sessionId: session.id });
      if (session.current) {
        this.auth.sessionRevoked();
        return;
      }
      this.sessions.update((sessions) => sessions.filter((s) => s.id !== session.id));
      this.notice.set(`Signed out ${device}.`);
    } catch (error) {
      this.error.set(toApiError(error).message);
    } finally {
      this.busy.set(false);
    }
  }

  protected async signOutEverywhere(dialog: ConfirmDialog): Promise<void> {
    if (!(await dialog.ask('Sign out of every device, this one included?'))) return;
    this.busy.set(true);
    await this.auth.logout({ allDevices: true });
  }

  /** Who I am and my sessions, asked for at the same time. */
  private async load(): Promise<void> {
    this.loading.set(true);
    this.error.set(null);
    try {
      const [me, sessions] = await Promise.all([this.api.auth.me.query(), this.api.auth.sessions.query()]);
      this.me.set(me);
      this.sessions.set(sessions);
    } catch (error) {
      this.error.set(toApiError(error).message);
    } finally {
      this.loading.set(false);
    }
  }
}
