import { startTestServer, type TestServer } from '@app/server-testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('serving the built web app on the same origin', () => {
  let server: TestServer;
  let webDir: string;
  const bundle = `console.log(${JSON.stringify('x'.repeat(4_000))});`;

  beforeAll(async () => {
    webDir = await mkdtemp(join(tmpdir(), 'web-'));
    await writeFile(join(webDir, 'index.html'), '<!doctype html><title>app</title><script src="main-ABCD1234.js"></script>');
    await writeFile(join(webDir, 'main-ABCD1234.js'), bundle);
    await writeFile(join(webDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    server = await startTestServer({ config: { webDir } });
  });
  afterAll(async () => {
    await server?.close();
    await rm(webDir, { recursive: true, force: true });
  });

  it('answers client-side routes with the app shell, never cached', async () => {
    for (const path of ['/', '/people', '/account/sessions']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<title>app</title>');
    }
  });

  it('compresses bundles and caches content-hashed files for good, others revalidated', async () => {
    const js = await fetch(`${server.url}/main-ABCD1234.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-encoding')).toBe('gzip');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe(bundle);

    const icon = await fetch(`${server.url}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('sends the security headers (CSP without inline scripts, no framing)', async () => {
    const res = await fetch(`${server.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('never answers an unknown tRPC path with the app shell', async () => {
    const res = await fetch(`${server.url}/trpc/nope.nothing`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
  });

  // The API's endpoint takes `/trpc`, `/trpc/…` and `/trpc?…`; what only looks like it (another
  // case, a longer first segment, a deeper path) is a JSON 404 from one side or the other, never the shell.
  it.each(['/TRPC/auth.me', '/Trpc/session/auth.refresh', '/trpcx/auth.me', '/trpc', '/trpc?batch=1', '/trpc/a/b/auth.me', '/trpc/session/auth.me'])(
    '%s: a JSON 404, not the app shell',
    async (path) => {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(await res.text()).not.toContain('<html');
    },
  );
});
