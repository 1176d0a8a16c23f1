import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from './support/fixtures';

const browserDir = resolve(__dirname, '../../../dist/apps/web/browser');

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
    const html = readFileSync(resolve(browserDir, 'index.html'), 'utf8');
    const initial = [...html.matchAll(/(?:src|href)="([^"]+\.js)"/g)].map((match) => match[1] ?? '');
    expect(initial.length).toBeGreaterThan(0);
    for (const file of initial) {
      const text = readFileSync(resolve(browserDir, file), 'utf8');
      expect(text, `${file} holds zod`).not.toMatch(/ZodError/);
      expect(text, `${file} holds signal forms`).not.toMatch(/formField/);
    }
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
