import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { Button } from './button';

/**
 * A failed load said plainly, with a way out: "Couldn't load people: Cannot reach the server.
 * [Retry]". Whatever was shown before stays on screen; this only adds the message.
 */
@Component({
  selector: 'app-load-error',
  imports: [Button],
  template: `
    <p class="message">{{ message() }}</p>
    <button appButton type="button" size="small" [busy]="retrying()" (click)="retry.emit()">{{ retrying() ? 'Retrying…' : 'Retry' }}</button>
  `,
  styles: `
    :host {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem 1rem;
      padding: 0.5rem 0.5rem 0.5rem 1rem;
      border: 1px solid var(--danger-border, #f4c7c3);
      border-radius: var(--radius, 8px);
      background: var(--danger-bg, #fdecea);
      color: var(--danger, #b42318);
    }
    .message {
      flex: 1 1 14rem;
      margin: 0;
    }
  `,
  host: { role: 'alert' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoadError {
  readonly message = input.required<string>();
  readonly retrying = input(false);
  readonly retry = output<void>();
}
