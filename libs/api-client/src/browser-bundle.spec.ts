import { build } from 'esbuild';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');

/** Bundles an entry the way a browser app's bundler would, and lists the files that went in. */
async function bundleInputs(entry: string, platform: 'browser' | 'node'): Promise<string[]> {
  const result = await build({
    entryPoints: [resolve(root, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform,
    format: 'esm',
    logLevel: 'silent',
    tsconfig: resolve(root, 'tsconfig.base.json'),
    absWorkingDir: root,
  });
  return Object.keys(result.metafile.inputs);
}

describe('what the client brings into a bundle', () => {
  it('the main entry bundles for the browser with no server code and no Node built-ins', async () => {
    const inputs = await bundleInputs('libs/api-client/src/index.ts', 'browser');
    expect(inputs).toContain('libs/api-client/src/api-client.ts');
    expect(inputs.some((i) => i.startsWith('libs/shared/contracts/'))).toBe(true);
    expect(inputs.filter((i) => i.startsWith('libs/server/') || i.startsWith('apps/'))).toEqual([]);
    expect(inputs.filter((i) => /^node:|node_modules\/(express|kysely|pg|bcrypt|jsonwebtoken|@electric-sql)\//.test(i))).toEqual([]);
    expect(inputs).not.toContain('libs/api-client/src/file-token-store.ts');
  });

  it('the Node entry adds the file store', async () => {
    const inputs = await bundleInputs('libs/api-client/src/node.ts', 'node');
    expect(inputs).toContain('libs/api-client/src/file-token-store.ts');
    expect(inputs.filter((i) => i.startsWith('libs/server/'))).toEqual([]);
  });
});
