import { startTestServer, type TestServer, testDbKind } from '@app/server-testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The built web app on the API's origin: a request for a file that is not there (an old bundle
 * after a redeploy, a probe) must be a 404, never the app shell with 200 (a browser would run
 * HTML as a script, a cache would keep it, a scanner would think every path exists).
 */
describe(`static files of the web app (${testDbKind()})`, () => {
  let server: TestServer;
  let webDir: string;
  const SHELL = '<!doctype html><title>app shell</title><script src="main-ABCD1234.js"></script>';

  beforeAll(async () => {
    webDir = await mkdtemp(join(tmpdir(), 'web-'));
    await writeFile(join(webDir, 'index.html'), SHELL);
    await writeFile(join(webDir, 'main-ABCD1234.js'), 'console.log("current bundle");');
    server = await startTestServer({ config: { webDir } });
  });
  afterAll(async () => {
    await server?.close();
    await rm(webDir, { recursive: true, force: true });
  });

  it.each([
    '/no-such-chunk.js',
    '/main-OLD98765.js',
    '/chunk-GONE1234.css',
    '/media/logo.png',
    '/favicon.ico',
    '/people/main-ABCD1234.js.map',
    '/robots.txt',
    '/.env',
    '/wp-login.php',
  ])('GET %s → 404, not the app shell', async (path) => {
    for (const method of ['GET', 'HEAD']) {
      const res = await fetch(`${server.url}${path}`, { method });
      const body = await res.text();
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
      expect(body).not.toContain('app shell');
    }
  });

  it('client-side routes (no file extension) still get the app shell, and existing files are served', async () => {
    for (const path of ['/', '/people', '/people/42/edit', '/admin/users', '/some/unknown/route']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toBe(SHELL);
    }
    const bundle = await fetch(`${server.url}/main-ABCD1234.js`);
    expect(bundle.status).toBe(200);
    expect(await bundle.text()).toContain('current bundle');
  });

  it('path traversal never reaches a file outside the web app', async () => {
    for (const path of ['/../../../../etc/passwd', '/..%2f..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/main-ABCD1234.js/../../../etc/passwd']) {
      // node:http sends the path as written (fetch would normalise the dots away).
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${server.url}${path}`, { method: 'GET', path }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(body, path).not.toContain('root:');
      expect([200, 400, 403, 404], `${path}: ${status}`).toContain(status);
      if (status === 200) expect(body, path).toBe(SHELL);
    }
  });
});
