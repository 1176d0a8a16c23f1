import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface WebSize {
  dir: string;
  files: { file: string; raw: number; gzip: number }[];
  raw: number;
  gzip: number;
}

/**
 * The initial JavaScript of the production web build: every script and modulepreload that
 * index.html references (lazy chunks are not counted), raw and gzip (level 9).
 */
export function measureWebSize(dir: string): WebSize | undefined {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return undefined;
  const html = readFileSync(index, 'utf8');
  const refs = new Set<string>();
  for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) if (match[1]) refs.add(match[1]);
  for (const match of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*>/g)) {
    const href = /\bhref="([^"]+)"/.exec(match[0])?.[1];
    if (href) refs.add(href);
  }
  const files = [...refs]
    .filter((ref) => !/^[a-z]+:\/\//i.test(ref) && ref.endsWith('.js'))
    .map((ref) => {
      const content = readFileSync(join(dir, ref.replace(/^\//, '')));
      return { file: ref, raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
    });
  return {
    dir,
    files,
    raw: files.reduce((sum, f) => sum + f.raw, 0),
    gzip: files.reduce((sum, f) => sum + f.gzip, 0),
  };
}
