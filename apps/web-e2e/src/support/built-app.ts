import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where the production build of the web app lies (global setup builds it). */
export const browserDir = resolve(__dirname, '../../../../dist/apps/web/browser');

/** A built file's text. */
export const builtFile = (file: string) => readFileSync(resolve(browserDir, file), 'utf8');

/** What index.html loads (scripts, module preloads and styles), as paths: `/main-….js`. */
export function initialFiles(): string[] {
  return [...builtFile('index.html').matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((match) => `/${match[1]}`).sort();
}

/** The one lazy chunk holding every page (main imports it), as a path. */
export function pagesChunk(): string {
  const main = initialFiles().find((file) => file.startsWith('/main-')) ?? '';
  const chunk = /import\("\.\/(chunk-[A-Z0-9]+\.js)"\)/.exec(builtFile(main.slice(1)))?.[1];
  if (!chunk) throw new Error('main does not import the pages chunk');
  return `/${chunk}`;
}
