#!/usr/bin/env node
// Builds the API: one ESM bundle (dist/apps/api/main.mjs) plus the chunks loaded only on demand
// (tracing), with every npm package left external (bundling breaks bcrypt's binary and PGlite's
// wasm). Then writes dist/apps/api/package.json: exactly the packages the bundle imports, at the
// versions in package-lock.json, so the image installs those and nothing else.
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const outdir = join(root, 'dist/apps/api');
const builtins = new Set(builtinModules);

/**
 * Packages the server loads by path at run time, out of esbuild's sight: the hashing threads
 * `require()` bcrypt from the path that libs/server/core/src/auth/hash-pool.ts resolves.
 */
const RESOLVED_AT_RUN_TIME = ['bcrypt'];

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
export function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Every npm package that the build's output files import, statically or dynamically. */
export function externalPackages(metafile) {
  const names = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external || imported.path.startsWith('node:') || builtins.has(imported.path)) continue;
      names.add(packageNameOf(imported.path));
    }
  }
  for (const name of RESOLVED_AT_RUN_TIME) names.add(name);
  return [...names].sort();
}

/** The runtime package.json: the externals pinned to the lockfile's versions. */
export function runtimePackage(externals, rootPackage, lock) {
  const dependencies = {};
  for (const name of externals) {
    const locked = lock.packages[`node_modules/${name}`];
    if (!locked) throw new Error(`${name} is imported by the API bundle but missing from package-lock.json`);
    if (!(name in (rootPackage.dependencies ?? {}))) {
      throw new Error(`${name} is imported by the API bundle but is not in package.json "dependencies"`);
    }
    dependencies[name] = locked.version;
  }
  const allowScripts = Object.fromEntries(Object.entries(rootPackage.allowScripts ?? {}).filter(([name]) => name in dependencies));
  return {
    name: '@app/api-runtime',
    version: rootPackage.version,
    private: true,
    description: 'The API server as deployed: dependencies generated from the bundle by tools/scripts/build-api.mjs',
    license: rootPackage.license,
    type: 'module',
    engines: rootPackage.engines,
    main: 'main.mjs',
    scripts: { start: 'node --enable-source-maps main.mjs' },
    ...(Object.keys(allowScripts).length ? { allowScripts } : {}),
    dependencies,
  };
}

async function main() {
  // Written over in place, never emptied first: tests in other workers may be starting the server
  // from this directory while it is rebuilt. Files of earlier builds are removed afterwards.
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: { main: join(root, 'apps/api/src/main.ts') },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Dynamic imports become chunks of their own, so what they import (OpenTelemetry) is not
    // loaded unless that code path runs.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    packages: 'external',
    sourcemap: true,
    tsconfig: join(root, 'tsconfig.base.json'),
    outdir,
    metafile: true,
    logLevel: 'warning',
  });
  const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const runtime = runtimePackage(externalPackages(result.metafile), rootPackage, lock);
  writeAtomically(join(outdir, 'package.json'), `${JSON.stringify(runtime, null, 2)}\n`);
  writeAtomically(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
  removeStaleOutputs(result.metafile);
}

function writeAtomically(file, text) {
  writeFileSync(`${file}.${process.pid}.tmp`, text);
  renameSync(`${file}.${process.pid}.tmp`, file);
}

/** Chunks (and their maps) of earlier builds: content-hashed names that this build did not write. */
function removeStaleOutputs(metafile) {
  const written = new Set(Object.keys(metafile.outputs).map((path) => resolve(root, path)));
  const chunks = join(outdir, 'chunks');
  for (const name of existsSync(chunks) ? readdirSync(chunks) : []) {
    if (!written.has(join(chunks, name))) rmSync(join(chunks, name), { force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
