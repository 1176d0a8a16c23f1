import { defineConfig } from '@playwright/test';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/**
 * The web app in a real Chromium (Debian's, no browser download) against the real built server
 * on a fresh embedded database with 3 s access tokens. globalSetup builds api and web, starts an
 * SMTP server and the servers (mailing to it) and captures their logs, so tests can count what the
 * server saw and read the mails it sent.
 * Screenshots of the main screens land in tmp/e2e/screenshots (gitignored).
 */
export default defineConfig({
  testDir: './src',
  testMatch: '**/*.e2e.ts',
  outputDir: resolve(root, 'tmp/e2e/test-output'),
  globalSetup: './src/support/global-setup.ts',
  // One worker: the refresh counts read the server's log, which all tests share.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env['CI']),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The JSON report is what tools/scripts/test-all.mjs counts (an output of the inferred e2e target).
  reporter: [['list'], ['json', { outputFile: resolve(root, 'tmp/reports/apps/web-e2e/e2e.json') }]],
  use: {
    browserName: 'chromium',
    // Each launch gets a fresh temporary user-data dir from Playwright.
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
