import { inject, Injectable } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { type RouterStateSnapshot, TitleStrategy } from '@angular/router';

/** The product's name, in the tab title, the header and the sign-in pages. */
export const PRODUCT_NAME = 'Authstack';

/** "People · Authstack": the route's title, then the product, so tabs and history say where they are. */
@Injectable({ providedIn: 'root' })
export class ProductTitleStrategy extends TitleStrategy {
  private readonly title = inject(Title);

  override updateTitle(snapshot: RouterStateSnapshot): void {
    const page = this.buildTitle(snapshot);
    this.title.setTitle(page ? `${page} · ${PRODUCT_NAME}` : PRODUCT_NAME);
  }
}
