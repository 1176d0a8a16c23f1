import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { AccountMessages } from '@app/contracts';
import { AccountStore, toApiError } from '@app/web-data-access';
import { Button } from '@app/web-ui';

/** What the last request for a new link came to. */
interface Outcome {
  readonly sent: boolean;
  readonly message: string;
}

/**
 * "Resend verification email" and what came of it, read out by screen readers: the link is on
 * its way, or why not (too many requests, with when to try again; verified already). The button
 * stays focusable while sending (it is `busy`, not disabled).
 */
@Component({
  selector: 'app-resend-verification',
  imports: [Button],
  template: `
    <button appButton type="button" [size]="size()" [busy]="sending()" (click)="resend()">
      {{ sending() ? 'Sending…' : 'Resend verification email' }}
    </button>
    <div class="outcome" role="status">
      @if (outcome(); as outcome) {
        <p [class.sent]="outcome.sent" [class.refused]="!outcome.sent">{{ outcome.message }}</p>
      }
    </div>
  `,
  styles: `
    :host {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem 0.75rem;
    }
    .outcome {
      flex: 1 1 14rem;
      min-width: 0;
    }
    .outcome p {
      margin: 0;
      font-size: 0.9rem;
    }
    .sent {
      color: var(--ok-text, #1d6b3a);
    }
    .refused {
      color: var(--danger, #b42318);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ResendVerification {
  private readonly account = inject(AccountStore);

  readonly size = input<'normal' | 'small'>('normal');

  protected readonly sending = signal(false);
  protected readonly outcome = signal<Outcome | null>(null);

  protected async resend(): Promise<void> {
    if (this.sending()) return;
    this.sending.set(true);
    this.outcome.set(null);
    try {
      await this.account.resendVerification();
      this.outcome.set({ sent: true, message: AccountMessages.verificationSent });
    } catch (error) {
      this.outcome.set({ sent: false, message: toApiError(error).message });
    } finally {
      this.sending.set(false);
    }
  }
}
