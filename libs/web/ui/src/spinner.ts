import { ChangeDetectionStrategy, Component } from '@angular/core';

/** A small spinning ring in the text's colour, for "work in progress" next to a label. Decorative only. */
@Component({
  selector: 'app-spinner',
  template: '',
  styles: `
    :host {
      display: inline-block;
      width: 0.9em;
      height: 0.9em;
      border: 2px solid currentColor;
      border-right-color: transparent;
      border-radius: 50%;
      animation: spin 0.8s linear infinite;
    }
    @keyframes spin {
      to {
        transform: rotate(360deg);
      }
    }
    @media (prefers-reduced-motion: reduce) {
      :host {
        animation: none;
      }
    }
  `,
  host: { 'aria-hidden': 'true' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Spinner {}
