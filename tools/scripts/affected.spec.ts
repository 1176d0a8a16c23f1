import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `nx affected` runs the checks of the projects a change touches, so its answer must be the set
 * of projects that use the changed one. Nx reads that from the imports; this spec works it out
 * again on its own (every project.json, every import in the sources) and holds the two together.
 */
const root = resolve(import.meta.dirname, '../..');

interface Project {
  name: string;
  root: string;
  tags: string[];
  implicitDependencies: string[];
}

function findProjects(): Project[] {
  const files = ['project.json', ...['apps', 'libs', 'tools'].flatMap((dir) => listFiles(dir).filter((file) => file.endsWith('/project.json')))];
  return files.map((file) => {
    const json = JSON.parse(readFileSync(join(root, file), 'utf8')) as { name: string; tags?: string[]; implicitDependencies?: string[] };
    return { name: json.name, root: dirname(file), tags: json.tags ?? [], implicitDependencies: json.implicitDependencies ?? [] };
  });
}

/** Files under a workspace folder, as workspace-relative paths (node_modules and build output left out). */
function listFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .map((path) => `${dir}/${path}`)
    .filter((path) => !/(^|\/)(node_modules|out-tsc|dist)(\/|$)/.test(path));
}

/** The project owning a workspace-relative path: the one with the longest root containing it. */
function ownerOf(path: string, projects: Project[]): Project | undefined {
  return projects
    .filter((project) => project.root !== '.' && (path === project.root || path.startsWith(`${project.root}/`)))
    .sort((a, b) => b.root.length - a.root.length)[0];
}

/** project name → names of the projects it imports (through the tsconfig aliases or a relative path), plus its implicit dependencies. */
function dependenciesFromImports(projects: Project[]): Map<string, Set<string>> {
  const paths = (JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions.paths;
  const aliasOwner = new Map(Object.entries(paths).map(([alias, [target]]) => [alias, ownerOf(target ?? '', projects)?.name]));
  const dependencies = new Map(projects.map((project) => [project.name, new Set(project.implicitDependencies)]));
  for (const project of projects.filter((p) => p.root !== '.')) {
    for (const file of listFiles(project.root).filter((path) => /\.(ts|mts|mjs)$/.test(path))) {
      const source = readFileSync(join(root, file), 'utf8');
      for (const [, specifier] of source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        const target = specifier?.startsWith('.') ? ownerOf(relative(root, resolve(root, dirname(file), specifier)), projects)?.name : aliasOwner.get(specifier ?? '');
        if (target && target !== project.name) dependencies.get(project.name)?.add(target);
      }
    }
  }
  return dependencies;
}

/** The changed project and every project that depends on it, directly or not. */
function dependentsOf(changed: string, dependencies: Map<string, Set<string>>): string[] {
  const found = new Set([changed]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [project, uses] of dependencies) {
      if (!found.has(project) && [...uses].some((used) => found.has(used))) {
        found.add(project);
        grew = true;
      }
    }
  }
  return [...found].sort();
}

function nxAffected(file: string): string[] {
  expect(existsSync(join(root, file)), file).toBe(true);
  const result = spawnSync(join(root, 'node_modules/.bin/nx'), ['show', 'projects', '--affected', `--files=${file}`, '--json'], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    encoding: 'utf8',
    timeout: 90_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as string[]).sort();
}

describe('nx affected follows the imports', () => {
  const projects = findProjects();
  const dependencies = dependenciesFromImports(projects);
  const scopeOf = (name: string) => projects.find((project) => project.name === name)?.tags.find((tag) => tag.startsWith('scope:'));

  it('a change in libs/web/feature-admin affects the web app and its end-to-end tests, no API project', () => {
    const affected = nxAffected('libs/web/feature-admin/src/index.ts');
    expect(affected).toEqual(dependentsOf('web-feature-admin', dependencies));
    expect(affected).toEqual(expect.arrayContaining(['web-feature-admin', 'web', 'web-e2e']));
    expect(affected.filter((name) => scopeOf(name) !== 'scope:web')).toEqual([]);
  });

  it('a change in libs/shared/contracts affects every project that imports it, directly or through another', () => {
    const affected = nxAffected('libs/shared/contracts/src/index.ts');
    expect(affected).toEqual(dependentsOf('contracts', dependencies));
    expect(affected).toEqual(expect.arrayContaining(['contracts', 'api', 'api-e2e', 'api-client', 'cli', 'web', 'web-data-access', 'web-e2e']));
  });

  it('a change in the shared Vitest setup affects every project tested with it', () => {
    const affected = nxAffected('vitest.shared.ts');
    const testedWithIt = projects.filter((project) => existsSync(join(root, project.root, 'vitest.config.mts'))).map((project) => project.name);
    expect(testedWithIt.length).toBeGreaterThan(5);
    expect(affected).toEqual(expect.arrayContaining(testedWithIt));
  });
});
