import type { Page } from '@playwright/test';
import { DEMO_ADMIN, expect, newAccount, signIn, signUp, test, VIEWPORTS } from './support/fixtures';

/** Adds up every layout shift not caused by the user's own input, from the first paint on. */
async function trackLayoutShifts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __layoutShift: number; __shifts: { value: number; sources: string[] }[] };
    w.__layoutShift = 0;
    w.__shifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as { value: number; hadRecentInput: boolean; sources?: { node?: Node }[] }[]) {
        if (entry.hadRecentInput) continue;
        w.__layoutShift += entry.value;
        w.__shifts.push({
          value: entry.value,
          sources: (entry.sources ?? []).map((s) => (s.node instanceof Element ? s.node.outerHTML.slice(0, 80) : String(s.node?.nodeName))),
        });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
}

/** Slow 4G-ish network (150 ms, 200 kB/s) and a 4× slower CPU, as on a modest phone. */
async function throttle(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 100_000 });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
}

/** WCAG contrast ratio of two CSS colours (`rgb(…)`/`rgba(…)`, alpha ignored). */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, bl] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}

/** The focused element's outline colour and the opaque background around it. */
function focusRing(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement;
    const style = getComputedStyle(element);
    let around: Element | null = element.parentElement;
    let background = 'rgb(255, 255, 255)';
    while (around) {
      const color = getComputedStyle(around).backgroundColor;
      if (color && !color.startsWith('rgba(0, 0, 0, 0)') && color !== 'transparent') {
        background = color;
        break;
      }
      around = around.parentElement;
    }
    return { outline: style.outlineColor, width: parseFloat(style.outlineWidth), style: style.outlineStyle, background, label: element.outerHTML.slice(0, 60) };
  });
}

/** The visible controls smaller than a 44 px touch target, described. */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, input, select, a[appbutton], nav a, .brand')]
      .filter((element) => element.offsetParent !== null && !element.closest('dialog:not([open])'))
      .map((element) => ({ element: element.outerHTML.slice(0, 70), box: element.getBoundingClientRect() }))
      .filter(({ box }) => box.height < 44 || box.width < 44)
      .map(({ element, box }) => `${element} ${Math.round(box.width)}×${Math.round(box.height)}`),
  );
}

const layoutShift = (page: Page) => page.evaluate(() => (window as unknown as { __layoutShift: number }).__layoutShift);
const shifts = (page: Page) => page.evaluate(() => (window as unknown as { __shifts: unknown[] }).__shifts);

interface Screen {
  readonly name: string;
  readonly path: string;
  /** What shows that the screen has finished loading. */
  readonly ready: (page: Page) => Promise<void>;
}

const SCREENS: readonly Screen[] = [
  { name: 'people', path: '/people', ready: (page) => expect(page.locator('tbody tr')).toHaveCount(20) },
  { name: 'people-no-match', path: '/people?q=Nobodyzzz', ready: (page) => expect(page.getByText('No one matches')).toBeVisible() },
  { name: 'person-new', path: '/people/new', ready: (page) => expect(page.getByLabel('First name')).toBeVisible() },
  { name: 'person-edit', path: '/people/1/edit', ready: (page) => expect(page.getByLabel('First name')).not.toHaveValue('') },
  { name: 'account', path: '/account', ready: (page) => expect(page.getByText('This device')).toBeVisible() },
  { name: 'users', path: '/admin/users', ready: (page) => expect(page.getByLabel(`Role of ${DEMO_ADMIN.email}`)).toBeVisible() },
  { name: 'not-found', path: '/no/such/page', ready: (page) => expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible() },
];

for (const viewport of VIEWPORTS) {
  test.describe(`layout (${viewport.name})`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height } });

    test('every screen loads with a cumulative layout shift of at most 0.05, on a slow network and CPU', async ({ page, saveScreenshot }) => {
      await page.goto('/login');
      await signIn(page, DEMO_ADMIN);
      await trackLayoutShifts(page);
      await throttle(page);
      for (const screen of SCREENS) {
        await page.goto(screen.path);
        await screen.ready(page);
        // The product's name: in the tab's title after the page's own, and in the header.
        await expect(page).toHaveTitle(/^[^·]+ · Authstack$/);
        await expect(page.getByRole('banner').getByRole('link', { name: 'Authstack' })).toBeVisible();
        await page.waitForTimeout(300); // let anything that would still move, move
        expect(await layoutShift(page), `${screen.name}: ${JSON.stringify(await shifts(page))}`).toBeLessThanOrEqual(0.05);
        if (viewport.name === 'desktop') {
          // Table rows line up: every cell is a table cell, as tall as its row (no flex cell poking out).
          const misaligned = await page.evaluate(() =>
            [...document.querySelectorAll('tbody tr')].flatMap((row) =>
              [...row.querySelectorAll('td')]
                .filter((cell) => getComputedStyle(cell).display !== 'table-cell' || Math.abs(cell.getBoundingClientRect().height - row.getBoundingClientRect().height) > 1)
                .map((cell) => cell.outerHTML.slice(0, 60)),
            ),
          );
          expect(misaligned, `${screen.name}: misaligned cells`).toEqual([]);
        }
        await saveScreenshot(`${screen.name}-${viewport.name}`);
      }
    });

    test('the sign-in pages load without layout shift, and carry the product name', async ({ page }) => {
      await trackLayoutShifts(page);
      await throttle(page);
      for (const [path, heading] of [
        ['/login', 'Sign in'],
        ['/signup', 'Create an account'],
        ['/forgot-password', 'Reset your password'],
        ['/reset-password?token=not-checked-before-sending', 'Choose a new password'],
        ['/verify-email', 'Verify your email address'],
      ] as const) {
        await page.goto(path);
        await expect(page.getByRole('heading', { name: heading })).toBeVisible();
        await expect(page.getByText('Authstack', { exact: true })).toBeVisible();
        await expect(page).toHaveTitle(`${heading} · Authstack`);
        await page.waitForTimeout(300);
        expect(await layoutShift(page), `${path}: ${JSON.stringify(await shifts(page))}`).toBeLessThanOrEqual(0.05);
      }
      // A wrong password: the message appears in the card, above nothing that could move.
      await page.goto('/login');
      await page.getByLabel('Email').fill('nobody@example.com');
      await page.getByLabel('Password').fill('Not#TheRightOne1');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('alert')).toHaveText('Invalid email or password');
      await page.waitForTimeout(300);
      expect(await layoutShift(page), JSON.stringify(await shifts(page))).toBeLessThanOrEqual(0.05);
    });

    test('focus rings stand out at least 3:1 from what surrounds them, on light and dark parts', async ({ page }) => {
      await signUp(page, newAccount(`focus-${viewport.name}`));
      const checked: string[] = [];
      // Keyboard focus from the start of the page: skip link, sign-out, nav links, page controls, row buttons…
      for (let step = 0; step < 12; step++) {
        await page.keyboard.press('Tab');
        const ring = await focusRing(page);
        if (ring.label.includes('skip-link')) continue;
        expect(ring.style, ring.label).not.toBe('none');
        expect(ring.width, ring.label).toBeGreaterThanOrEqual(2);
        expect(contrast(ring.outline, ring.background), `${ring.label} ${ring.outline} on ${ring.background}`).toBeGreaterThanOrEqual(3);
        checked.push(ring.label);
      }
      expect(checked.length).toBeGreaterThanOrEqual(10);
    });
  });
}

test.describe('layout (phone only)', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('short pages keep a compact top bar; nothing scrolls sideways; every control is at least 44 px', async ({ page }) => {
    await page.goto('/login');
    await signIn(page, DEMO_ADMIN);
    for (const screen of SCREENS) {
      await page.goto(screen.path);
      await screen.ready(page);
      const bar = await page.locator('header.sidebar').boundingBox();
      expect(bar?.height ?? 0, `${screen.name}: top bar`).toBeLessThanOrEqual(160);
      const widths = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        tables: [...document.querySelectorAll('.table-wrap')].map((wrap) => wrap.scrollWidth - wrap.clientWidth),
      }));
      expect(widths.page, `${screen.name}: page width`).toBeLessThanOrEqual(390);
      for (const overflow of widths.tables) expect(overflow, `${screen.name}: a table scrolls sideways`).toBeLessThanOrEqual(0);
      expect(await smallTargets(page), `${screen.name}: targets under 44 px`).toEqual([]);
    }
  });

  test('the pages for getting back in fit the phone: nothing scrolls sideways; every control is at least 44 px', async ({ page }) => {
    // What shows each page is ready: its main control (the link of a link that cannot work).
    for (const [path, role, name] of [
      ['/login', 'button', 'Sign in'],
      ['/forgot-password', 'button', 'Send reset link'],
      ['/reset-password?token=not-checked-before-sending', 'button', 'Set new password'],
      ['/reset-password', 'link', 'Ask for a new link'],
      ['/verify-email', 'link', 'Sign in'],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole('main').getByRole(role, { name, exact: true })).toBeVisible();
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path}: page width`).toBeLessThanOrEqual(390);
      expect(await smallTargets(page), `${path}: targets under 44 px`).toEqual([]);
    }
  });

  test('the sessions table is a stack of cards: a table still, with every Revoke button on screen', async ({ page, otherDevice }) => {
    const account = newAccount('stack');
    await signUp(page, account);
    const other = await otherDevice();
    await other.goto('/login');
    await signIn(other, account);
    await page.getByRole('link', { name: 'Account' }).click();
    const table = page.getByRole('table', { name: 'Your sessions' });
    await expect(table.getByRole('row')).toHaveCount(3); // the header row (read by screen readers) and two sessions
    const revoke = page.getByRole('button', { name: /^Revoke session/ });
    await expect(revoke).toBeVisible();
    const box = await revoke.boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
    await expect(table.getByRole('cell', { name: /127\.0\.0\.1/ }).first()).toBeVisible();
  });
});
