import { type Browser, type BrowserContext, expect, type Page, test as base } from '@playwright/test';
import { AUTH_COOKIES } from '@app/contracts';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ArrivedMail, arrivedMails } from './mail-sink';
import { ServerLog } from './server-log';

export { expect };

const root = resolve(__dirname, '../../../..');
const screenshotDir = resolve(root, 'tmp/e2e/screenshots');

export const DEMO_ADMIN = { email: 'admin@example.com', password: 'Admin#Demo2026' } as const;
export const DEMO_USER = { email: 'user@example.com', password: 'User#Demo2026' } as const;
/** The two sizes every browser test of the app runs at: a desktop and a 390×844 phone. */
export const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

/** Meets the password policy and is not a common password. */
export const PASSWORD = 'Copper#Lantern42';

export interface Credentials {
  readonly email: string;
  readonly password: string;
}

/** A new, unique account (created by signing up in the browser). */
export function newAccount(label: string): Credentials {
  return { email: `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`, password: PASSWORD };
}

/**
 * Console errors the app must never produce. Chromium itself reports every 401 as "Failed to load
 * resource"; those are the expected answers of a session check or an expired access token.
 */
const EXPECTED_CONSOLE = [/Failed to load resource: the server responded with a status of 401/];

/** What Chromium reports for requests a test makes fail on purpose (server down, offline). */
export const NETWORK_FAILURE_CONSOLE = /Failed to load resource: net::ERR_(CONNECTION_REFUSED|INTERNET_DISCONNECTED|FAILED)/;

/** Records page errors and console errors of a page; `problems()` lists the unexpected ones. */
export function watchConsole(page: Page, allowed?: RegExp): { problems: () => string[] } {
  const seen: string[] = [];
  page.on('pageerror', (error) => seen.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') seen.push(`console.${message.type()}: ${message.text()}`);
  });
  const expected = allowed ? [...EXPECTED_CONSOLE, allowed] : EXPECTED_CONSOLE;
  return { problems: () => seen.filter((text) => !expected.some((pattern) => pattern.test(text))) };
}

/** Signs in through the login form and waits for the people list (or `landing`). */
export async function signIn(page: Page, credentials: Credentials, landing: RegExp = /\/people$/): Promise<void> {
  if (!/\/login/.test(page.url())) await page.goto('/login');
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(landing);
}

/** Signs up a new account through the form; lands on the people list. */
export async function signUp(page: Page, credentials: Credentials): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/people$/);
  await expect(page.getByTestId('current-user')).toHaveText(credentials.email);
}

/**
 * Waits until the browser has dropped the cookie: it carries the token's lifetime as Max-Age, so
 * this is the moment the token has expired. No fixed sleep.
 */
export async function waitForCookieExpiry(context: BrowserContext, name: (typeof AUTH_COOKIES)['access' | 'refresh']): Promise<void> {
  await expect
    .poll(async () => (await context.cookies()).some((cookie) => cookie.name === name), { timeout: 15_000, intervals: [250] })
    .toBe(false);
}

/**
 * What the page's scripts can read (`localStorage`) holds none of the session's cookie values:
 * the tokens stay in httpOnly cookies. Returns the storage keys, for tests to name what is kept.
 */
export async function expectNoSecretsInStorage(page: Page, context: BrowserContext, secrets: readonly string[] = []): Promise<string[]> {
  const stored = await page.evaluate(() => Object.entries(localStorage));
  const cookies = (await context.cookies()).map((cookie) => cookie.value).filter((value) => value.length > 8);
  for (const [key, value] of stored) {
    for (const secret of [...cookies, ...secrets]) expect(value, `localStorage ${key}`).not.toContain(secret);
    expect(value, `localStorage ${key}`).not.toMatch(/eyJ[\w-]+\.[\w-]+/); // no JWT of any kind
  }
  return stored.map(([key]) => key).sort();
}

/** Every URL the page shows from now on, including in-app (history API) navigations. */
export function recordUrls(page: Page): string[] {
  const urls = [page.url()];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) urls.push(frame.url());
  });
  return urls;
}

/** The mails the main and verified-only servers sent (to the test SMTP server of the global setup). */
export class Mailbox {
  constructor(private readonly dir: string) {}

  /** Waits for the `nth` (1-based) mail of `kind` to `address` and returns it. */
  async waitFor(address: string, kind: 'password_reset' | 'email_verification', nth = 1): Promise<ArrivedMail> {
    const matching = () => arrivedMails(this.dir).filter((mail) => mail.kind === kind && mail.to.includes(address));
    await expect.poll(() => matching().length, { message: `${kind} mail #${nth} to ${address}`, timeout: 20_000, intervals: [100] }).toBeGreaterThanOrEqual(nth);
    const mail = matching()[nth - 1];
    if (!mail) throw new Error(`no ${kind} mail #${nth} to ${address}`);
    return mail;
  }
}

/** The path and query of the link in `mail` (`/reset-password?token=…`): opened on the server under test. */
export function linkIn(mail: ArrivedMail): string {
  if (!mail.link) throw new Error(`the ${mail.kind} mail holds no link:\n${mail.text}`);
  const url = new URL(mail.link);
  return `${url.pathname}${url.search}`;
}

/** Whether the page scrolls sideways (it must not, even at 390 px). */
export async function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

interface Fixtures {
  /** The main server's request log. */
  serverLog: ServerLog;
  /** The mails of the main and verified-only servers. */
  mailbox: Mailbox;
  /** Saves a full-page screenshot under tmp/e2e/screenshots/<name>.png. */
  saveScreenshot: (name: string, target?: Page) => Promise<void>;
  /** Opens another browser context (another device) on the same server, watched for console errors. */
  otherDevice: () => Promise<Page>;
  consoleGuard: void;
  /** Console errors a test expects (e.g. the network failures it causes): `test.use({ consoleAllowed: /…/ })`. */
  consoleAllowed: RegExp | undefined;
}

export const test = base.extend<Fixtures>({
  baseURL: async ({}, use) => {
    const url = process.env['E2E_BASE_URL'];
    if (!url) throw new Error('E2E_BASE_URL is not set: run through playwright.config.ts (globalSetup)');
    await use(url);
  },
  serverLog: async ({}, use) => {
    const path = process.env['E2E_SERVER_LOG'];
    if (!path) throw new Error('E2E_SERVER_LOG is not set');
    await use(new ServerLog(path));
  },
  mailbox: async ({}, use) => {
    const dir = process.env['E2E_MAIL_DIR'];
    if (!dir) throw new Error('E2E_MAIL_DIR is not set');
    await use(new Mailbox(dir));
  },
  saveScreenshot: async ({ page }, use) => {
    mkdirSync(screenshotDir, { recursive: true });
    await use(async (name, target = page) => {
      await target.screenshot({ path: resolve(screenshotDir, `${name}.png`), fullPage: true });
    });
  },
  otherDevice: async ({ browser, baseURL }, use) => {
    const opened: { context: BrowserContext; guard: { problems: () => string[] } }[] = [];
    await use(async () => {
      const context = await (browser as Browser).newContext({ baseURL });
      const page = await context.newPage();
      opened.push({ context, guard: watchConsole(page) });
      return page;
    });
    for (const { context, guard } of opened) {
      expect(guard.problems(), 'console errors on the other device').toEqual([]);
      await context.close();
    }
  },
  consoleAllowed: [undefined, { option: true }],
  consoleGuard: [
    async ({ page, consoleAllowed }, use) => {
      const guard = watchConsole(page, consoleAllowed);
      await use();
      expect(guard.problems(), 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});
