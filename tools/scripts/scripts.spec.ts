import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'scripts-'));

/** Runs `npm run <script>` the way a user does, on an embedded database of its own. */
function run(script: string, args: string[] = [], env: Record<string, string> = {}, input?: string) {
  const result = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, `tools/scripts/${script}.ts`), ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', DATA_DIR: dataDir, BCRYPT_COST: '4', ...env },
    input: input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the database scripts (migrate, seed-demo, create-admin)', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrate applies the migrations once, then has nothing to do', () => {
    const first = run('migrate');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied: 2026_11_29_120000_initial/);
    const again = run('migrate');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('already up to date');
  });

  it('seed-demo seeds an empty database and prints the logins, then leaves it alone', () => {
    const first = run('seed-demo');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('admin  admin@example.com / Admin#Demo2026');
    const again = run('seed-demo');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('already has users: nothing seeded');
  });

  it('create-admin creates, then reports an existing admin; a weak password or a bad email is refused', () => {
    const created = run('create-admin', ['Boss@Example.com'], { ADMIN_PASSWORD: 'Strong#Pass42x' });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^boss@example\.com \(.+\): created/);
    const promoted = run('create-admin', ['user@example.com'], {}, 'Fresh#Pass42x\n');
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout).toMatch(/^user@example\.com \(.+\): promoted/);
    const again = run('create-admin', ['boss@example.com'], { ADMIN_PASSWORD: 'Strong#Pass42x' });
    expect(again.stdout).toMatch(/already admin/);

    const weak = run('create-admin', ['weak@example.com'], {}, 'weak\n');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('Password must contain an upper-case letter');
    const badEmail = run('create-admin', ['not-an-email'], { ADMIN_PASSWORD: 'Strong#Pass42x' });
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toContain('Invalid email: Enter a valid email address');
  });
});
