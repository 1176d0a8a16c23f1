import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileTokenStore } from './file-token-store';
import type { StoredSession } from './token-store';

const NOW = Date.parse('2030-01-01T12:00:00.000Z');

function session(n: number): StoredSession {
  return {
    user: { id: `user-${n}`, email: `user${n}@example.com`, role: 'user', emailVerified: false },
    accessToken: `access-${n}-${'a'.repeat(300)}`,
    accessTokenExpiresAt: new Date(NOW + 900_000).toISOString(),
    refreshToken: `00000000-0000-4000-8000-000000000000.secret-${n}`,
    refreshTokenExpiresAt: new Date(NOW + 86_400_000).toISOString(),
    obtainedAt: new Date(NOW).toISOString(),
  };
}

describe('FileTokenStore', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-token-store-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the session owner-only (0600) into an owner-only directory it creates (0700)', async () => {
    const path = join(dir, 'perm', 'nested', 'session.json');
    const store = new FileTokenStore({ path });
    expect(await store.load()).toBeNull();

    await store.save(session(1));

    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'perm', 'nested'))).mode & 0o777).toBe(0o700);
    expect(await store.load()).toEqual(session(1));
    expect(await readdir(join(dir, 'perm', 'nested'))).toEqual(['session.json']);
  });

  it('replaces a loosely permitted file with a 0600 one', async () => {
    const path = join(dir, 'loose.json');
    await writeFile(path, '{}', { mode: 0o644 });
    await new FileTokenStore({ path }).save(session(2));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('writes atomically: concurrent readers only ever see a whole session, and no temporary file is left', async () => {
    const path = join(dir, 'atomic', 'session.json');
    const store = new FileTokenStore({ path });
    await store.save(session(0));
    const reader = new FileTokenStore({ path });
    const writes = Array.from({ length: 40 }, (_, i) => store.save(session(i + 1)));
    const reads = Array.from({ length: 40 }, () => reader.load());

    const seen = await Promise.all(reads);
    await Promise.all(writes);

    for (const s of seen) expect(s?.user.id).toMatch(/^user-\d+$/);
    expect(await readdir(join(dir, 'atomic'))).toEqual(['session.json']);
  });

  it('clears the file, and tolerates clearing twice', async () => {
    const path = join(dir, 'clear.json');
    const store = new FileTokenStore({ path });
    await store.save(session(3));
    await store.clear();
    await store.clear();
    expect(await store.load()).toBeNull();
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads a damaged or foreign file as no session', async () => {
    const path = join(dir, 'damaged.json');
    await writeFile(path, '{"version":1,"scope":null,"session":{"accessT');
    expect(await new FileTokenStore({ path }).load()).toBeNull();
    await writeFile(path, JSON.stringify({ version: 1, scope: null, session: { accessToken: 'x' } }));
    expect(await new FileTokenStore({ path }).load()).toBeNull();
  });

  it('keeps one scope (server) from reading or clearing another one’s session', async () => {
    const path = join(dir, 'scoped.json');
    const production = new FileTokenStore({ path, scope: 'https://api.example.com' });
    const local = new FileTokenStore({ path, scope: 'http://localhost:3000' });
    await production.save(session(4));

    expect(await local.load()).toBeNull();
    await local.clear();
    expect(await production.load()).toEqual(session(4));
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ version: 1, scope: 'https://api.example.com' });
  });

  it('reports a file it cannot read, rather than pretending there is no session', async () => {
    const path = join(dir, 'is-a-directory');
    await mkdir(path);
    await expect(new FileTokenStore({ path }).load()).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
