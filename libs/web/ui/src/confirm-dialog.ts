import { ChangeDetectionStrategy, Component, type ElementRef, input, signal, viewChild } from '@angular/core';

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
  template: `
    <dialog #dialog class="dialog" [attr.aria-labelledby]="headingId" (close)="settle(dialog.returnValue === 'confirm')">
      <form method="dialog">
        <h2 [id]="headingId">{{ heading() }}</h2>
        <p>{{ message() }}</p>
        <div class="actions">
          <button type="submit" value="cancel" class="button" autofocus>Cancel</button>
          <button type="submit" value="confirm" class="button" [class.danger]="danger()">{{ confirmLabel() }}</button>
        </div>
      </form>
    </dialog>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConfirmDialog {
  readonly heading = input.required<string>();
  readonly confirmLabel = input('Confirm');
  readonly danger = input(true);

  protected readonly headingId = `confirm-dialog-${++dialogCount}`;
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
