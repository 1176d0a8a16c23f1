import { ChangeDetectionStrategy, Component, type ElementRef, input, signal, viewChild } from '@angular/core';
import { Button } from './button';

let dialogCount = 0;

/**
 * A modal confirmation built on the native `<dialog>`: the browser traps focus, closes on Escape
 * and hands focus back to the button that opened it. Cancel has the initial focus, so a stray
 * Enter never confirms something destructive.
 *
 * ```html
 * <app-confirm-dialog #confirm heading="Delete person?" confirmLabel="Delete" />
 * if (await confirm.ask('Delete Ada Lovelace?')) …
 * ```
 */
@Component({
  selector: 'app-confirm-dialog',
  imports: [Button],
  template: `
    <dialog #dialog [attr.aria-labelledby]="headingId" [attr.aria-describedby]="messageId" (close)="settle(dialog.returnValue === 'confirm')">
      <form method="dialog">
        <h2 [id]="headingId">{{ heading() }}</h2>
        <p [id]="messageId">{{ message() }}</p>
        <div class="actions">
          <button appButton type="submit" value="cancel" autofocus>Cancel</button>
          <button appButton type="submit" value="confirm" [variant]="danger() ? 'danger' : 'primary'">{{ confirmLabel() }}</button>
        </div>
      </form>
    </dialog>
  `,
  styles: `
    dialog {
      box-sizing: border-box;
      width: calc(100% - 2rem);
      max-width: 28rem;
      padding: 1.5rem;
      border: none;
      border-radius: var(--radius, 8px);
      background: var(--surface, #fff);
      color: var(--text, #1c2430);
      box-shadow: 0 10px 40px rgb(0 0 0 / 25%);
    }
    dialog::backdrop {
      background: rgb(15 23 42 / 45%);
    }
    h2 {
      margin: 0 0 0.75rem;
      font-size: 1.15rem;
      line-height: 1.25;
    }
    p {
      margin: 0 0 1.25rem;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      justify-content: flex-end;
      gap: 0.5rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConfirmDialog {
  readonly heading = input.required<string>();
  readonly confirmLabel = input('Confirm');
  readonly danger = input(true);

  private readonly id = ++dialogCount;
  protected readonly headingId = `confirm-dialog-${this.id}`;
  protected readonly messageId = `confirm-dialog-${this.id}-message`;
  protected readonly message = signal('');
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private resolve: ((confirmed: boolean) => void) | null = null;

  /** Opens the dialog; resolves true when the user confirms, false when they cancel or press Escape. */
  ask(message: string): Promise<boolean> {
    this.resolve?.(false);
    this.message.set(message);
    const dialog = this.dialog().nativeElement;
    dialog.returnValue = '';
    dialog.showModal();
    return new Promise<boolean>((resolve) => {
      this.resolve = resolve;
    });
  }

  protected settle(confirmed: boolean): void {
    this.resolve?.(confirmed);
    this.resolve = null;
  }
}
