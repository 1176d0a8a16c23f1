#!/usr/bin/env node
// Lays out the server as the image runs it, from the build output (run `nx run-many -t build
// --projects=api,web` first):
//   <out>/main.mjs, chunks/, *.map    the API bundle
//   <out>/package.json                the packages the bundle imports (written by build-api.mjs)
//   <out>/package-lock.json           the root lockfile pruned to those packages (same versions)
//   <out>/node_modules                `npm ci --omit=dev --omit=peer` of exactly that (peers such as
//                                     TypeScript, which @trpc/server names for its types, stay out)
//   <out>/public                      the built web app, served as static files (WEB_DIR=public)
// The Dockerfile runs this in its build stage and copies <out> into the runtime stage; the tests
// run it too and start the server from <out>, so what the image ships is what was tested.
//   node tools/scripts/assemble-runtime.mjs <out> [--prefer-offline] [--web <dir>]
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '../..');
const apiDist = join(root, 'dist/apps/api');
const webDist = join(root, 'dist/apps/web/browser');

/**
 * @param {string} out
 * @param {{ preferOffline?: boolean, webDir?: string }} options `preferOffline`: install from npm's cache where it can (the network only for what is missing);
 *   `webDir`: the web app to serve (default: the built one, when there is one).
 */
export function assembleRuntime(out, { preferOffline = false, webDir = webDist } = {}) {
  if (!existsSync(join(apiDist, 'package.json'))) throw new Error('dist/apps/api/package.json is missing: run `nx run api:build` first');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const entry of readdirSync(apiDist)) {
    if (entry === 'meta.json') continue;
    cpSync(join(apiDist, entry), join(out, entry), { recursive: true });
  }
  if (existsSync(join(webDir, 'index.html'))) cpSync(webDir, join(out, 'public'), { recursive: true });

  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error', ...(preferOffline ? ['--prefer-offline'] : [])];
  cpSync(join(root, 'package-lock.json'), join(out, 'package-lock.json'));
  // npm drops what the runtime package.json does not need and keeps every locked version.
  execFileSync(npm, ['install', '--package-lock-only', ...quiet], { cwd: out, stdio: 'inherit' });
  execFileSync(npm, ['ci', '--omit=dev', '--omit=peer', ...quiet], { cwd: out, stdio: 'inherit' });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'prefer-offline': { type: 'boolean' }, web: { type: 'string' } } });
  if (positionals.length !== 1) {
    console.error('usage: node tools/scripts/assemble-runtime.mjs <out> [--prefer-offline] [--web <dir>]');
    process.exit(2);
  }
  try {
    assembleRuntime(resolve(positionals[0]), { preferOffline: values['prefer-offline'], ...(values.web ? { webDir: resolve(values.web) } : {}) });
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
