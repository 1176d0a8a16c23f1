import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { browserDir, builtFile, initialFiles } from './support/built-app';
import { expect, test } from './support/fixtures';

/** The most a first visit may download (JavaScript, as served: compressed). The README reports the measured figure. */
const FIRST_VISIT_JS_BUDGET = 170_000;

/** Strings that only server code carries. */
const SERVER_ONLY = [/bcrypt/i, /kysely/i, /\bexpress\b/i, /pglite/i, /jsonwebtoken/i, /\bpino\b/i, /pg-protocol|pg-pool|require\("pg"\)|from"pg"/, /node:(crypto|fs|path|http)/];

test.describe('the built app', () => {
  test('holds no server code', () => {
    const scripts = readdirSync(browserDir).filter((file) => file.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(1);
    for (const file of scripts) {
      const text = readFileSync(resolve(browserDir, file), 'utf8');
      for (const pattern of SERVER_ONLY) expect(text, `${file} matches ${pattern}`).not.toMatch(pattern);
    }
  });

  test('keeps zod and the forms out of the initial bundle (they come with the pages)', () => {
    const initial = initialFiles().filter((file) => file.endsWith('.js'));
    expect(initial.length).toBeGreaterThan(0);
    for (const file of initial) {
      const text = builtFile(file.slice(1));
      expect(text, `${file} holds zod`).not.toMatch(/ZodError/);
      expect(text, `${file} holds signal forms`).not.toMatch(/formField/);
    }
  });

  test('a first visit downloads the app once, compressed, within its budget (the README’s figure)', async ({ page }) => {
    await page.goto('/people');
    await expect(page.getByLabel('Email')).toBeEditable();
    await page.waitForLoadState('networkidle');
    const files = await page.evaluate(() =>
      (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((entry) => /\.(js|css)$/.test(new URL(entry.name).pathname))
        .map((entry) => ({ file: new URL(entry.name).pathname, sent: entry.encodedBodySize, raw: entry.decodedBodySize })),
    );
    const js = files.filter((file) => file.file.endsWith('.js'));
    const total = (list: typeof files, key: 'sent' | 'raw') => list.reduce((sum, file) => sum + file[key], 0);
    // Every script once, all compressed on the wire.
    expect(new Set(js.map((file) => file.file)).size).toBe(js.length);
    for (const file of files) expect(file.sent, file.file).toBeLessThan(file.raw);
    const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
    const summary = `first visit: ${js.length} scripts, ${kB(total(js, 'sent'))} sent (${kB(total(js, 'raw'))} raw); CSS ${kB(total(files, 'sent') - total(js, 'sent'))} sent`;
    test.info().annotations.push({ type: 'first visit', description: summary });
    expect(total(js, 'sent'), summary).toBeLessThanOrEqual(FIRST_VISIT_JS_BUDGET);
  });

  test('is served for client routes with a strict Content-Security-Policy and no inline script', async ({ request }) => {
    const response = await request.get('/people/1/edit');
    expect(response.status()).toBe(200);
    const csp = response.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).toContain('<app-root>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sonload=/);
  });
});
