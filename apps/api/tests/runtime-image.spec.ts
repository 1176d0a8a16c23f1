import { ApiProcess, ensureApiBuilt, signUp } from '@app/server-testing';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The server laid out as the image's runtime stage holds it (tools/scripts/assemble-runtime.mjs,
// which the Dockerfile runs), started from there: what ships is what this runs.
const root = resolve(import.meta.dirname, '../../..');
const scratch = mkdtempSync(join(tmpdir(), 'runtime-image-'));
const runtimeDir = join(scratch, 'app');
const webFixture = join(scratch, 'web');

/** Packages that belong to the build, the web app or the tests, never to the server's runtime. */
const BUILD_ONLY = /^(@angular|@nx|nx|rxjs|esbuild|typescript|vite|vitest|@vitest|@types|zone\.js|@playwright|playwright-core|jsdom|tsx|eslint|pino-pretty)(\/|$)/;

function installedPackages(dir: string): string[] {
  return readdirSync(join(dir, 'node_modules'))
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) => (name.startsWith('@') ? readdirSync(join(dir, 'node_modules', name)).map((sub) => `${name}/${sub}`) : [name]));
}

let api: ApiProcess;

beforeAll(async () => {
  ensureApiBuilt();
  mkdirSync(webFixture, { recursive: true });
  writeFileSync(join(webFixture, 'index.html'), '<!doctype html><title>Authstack</title><app-root></app-root>');
  writeFileSync(join(webFixture, 'main-ABCDEFGH.js'), 'console.log("app");');
  // --prefer-offline: from npm's cache, which the workspace's own `npm ci` filled (the registry only for a miss).
  const assembled = spawnSync(process.execPath, [join(root, 'tools/scripts/assemble-runtime.mjs'), runtimeDir, '--prefer-offline', '--web', webFixture], {
    cwd: root,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (assembled.status !== 0) throw new Error(`assemble-runtime failed: ${assembled.stdout}\n${assembled.stderr}`);
  const dataDir = join(scratch, 'data');
  api = ApiProcess.spawn(
    {
      NODE_ENV: 'production',
      // Production must choose how mail leaves; this test sends none.
      MAIL_TRANSPORT: 'log',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      BCRYPT_COST: '4',
      JWT_SECRET: 'runtime-image-secret-of-at-least-32-bytes',
      DATA_DIR: dataDir,
      WEB_DIR: 'public',
    },
    undefined,
    { dir: runtimeDir },
  );
  await api.waitUntilListening(90_000);
}, 300_000);

afterAll(async () => {
  await api?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the runtime image layout', () => {
  it('installs exactly the packages the bundle imports, at the lockfile versions, and no build tools', () => {
    const runtime = JSON.parse(readFileSync(join(runtimeDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    expect(Object.keys(runtime.dependencies)).toEqual(expect.arrayContaining(['express', '@trpc/server', 'pg', '@electric-sql/pglite', 'bcrypt', 'pino']));
    for (const [name, version] of Object.entries(runtime.dependencies)) {
      expect(version, name).toBe(lock.packages[`node_modules/${name}`]?.version);
      const installed = JSON.parse(readFileSync(join(runtimeDir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
      expect(installed.version, name).toBe(version);
    }
    const packages = installedPackages(runtimeDir);
    expect(packages.filter((name) => BUILD_ONLY.test(name))).toEqual([]);
    // Everything installed was resolved from the lockfile at its locked version.
    for (const name of packages) {
      const installed = JSON.parse(readFileSync(join(runtimeDir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
      expect(installed.version, name).toBe(lock.packages[`node_modules/${name}`]?.version);
    }
    expect(existsSync(join(runtimeDir, 'meta.json'))).toBe(false);
  });

  it('runs from there: database ready, bcrypt threads hash, the web app served as static files', async () => {
    const ready = await fetch(`${api.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'pglite' });
    const account = await signUp(api);
    expect(account.user.role).toBe('user');
    const page = await fetch(`${api.url}/people`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<app-root>');
    const bundle = await fetch(`${api.url}/main-ABCDEFGH.js`);
    expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});
