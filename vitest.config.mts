import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFromFile } from 'vite';
import { defineConfig, type TestProjectInlineConfiguration, type ViteUserConfig } from 'vitest/config';

/**
 * Every project's Vitest projects in one run, so `npx vitest run --project api` works from the
 * workspace root. Nx does not use this file: `nx test <project>` runs that project's own
 * vitest.config.mts (see vitest.shared.ts). The project configs are imported and their projects
 * listed here, because Vitest does not nest projects.
 */
const configFiles = ['apps', 'libs', 'tools'].flatMap((dir) =>
  readdirSync(join(import.meta.dirname, dir), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('vitest.config.mts') && !path.includes('node_modules'))
    .map((path) => join(import.meta.dirname, dir, path)),
);
// Loaded the way Vite loads a config file (bundled), as Node cannot import `.mts` files itself.
const configs = await Promise.all(
  configFiles.map(async (file) => (await loadConfigFromFile({ command: 'serve', mode: 'test' }, file, undefined, 'silent'))?.config as ViteUserConfig),
);

export default defineConfig({
  test: {
    projects: configs.flatMap((config) => (config.test?.projects ?? []) as TestProjectInlineConfiguration[]),
  },
});
