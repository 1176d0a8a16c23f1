import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'deployment-'));
const SECRET = 'a-compose-secret-of-at-least-32-bytes-0123';

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  ports?: unknown[];
  profiles?: string[];
  deploy?: { replicas?: number | string };
  depends_on?: string[] | Record<string, unknown>;
  volumes?: string[];
}

/** `docker compose config`, as tools/scripts/compose-config.mjs does it without a Docker engine. */
function composeConfig(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [join(root, 'tools/scripts/compose-config.mjs'), ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function services(stdout: string): Record<string, ComposeService> {
  return (parse(stdout) as { services: Record<string, ComposeService> }).services;
}

function composeFile(text: string): string {
  const file = join(scratch, `compose-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, text);
  return file;
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('docker-compose.yml (validated like `docker compose config`)', () => {
  it('is valid Compose with JWT_SECRET set, and resolves the API settings', () => {
    const result = composeConfig([], { JWT_SECRET: SECRET });
    expect(result.code, result.stderr).toBe(0);
    const api = services(result.stdout)['api'];
    expect(api?.environment).toMatchObject({ NODE_ENV: 'production', JWT_SECRET: SECRET, DATABASE_URL: 'postgres://app:app@db:5432/app' });
  });

  it('sends the API\'s mail to Mailpit, whose web UI is published on this machine only', () => {
    const result = composeConfig(['--profile', 'scale'], { JWT_SECRET: SECRET });
    expect(result.code, result.stderr).toBe(0);
    const all = services(result.stdout);
    for (const name of ['api', 'api-replicas']) {
      expect(all[name]?.environment).toMatchObject({ SMTP_URL: 'smtp://mailpit:1025', MAIL_FROM: 'no-reply@example.com' });
      expect(all[name]?.depends_on).toHaveProperty('mailpit');
    }
    // Links in mails point where users open the app: the API itself, or nginx in front of the replicas.
    expect(all['api']?.environment?.['APP_URL']).toBe('http://localhost:3000');
    expect(all['api-replicas']?.environment?.['APP_URL']).toBe('http://localhost:8080');
    expect(all['mailpit']?.image).toMatch(/^axllent\/mailpit:v\d+\.\d+\.\d+$/);
    expect(all['mailpit']?.ports).toEqual(['127.0.0.1:8025:8025']);
    // The catcher's SMTP port stays inside the network.
    expect(JSON.stringify(all['mailpit']?.ports)).not.toContain('1025');
    const real = composeConfig([], { JWT_SECRET: SECRET, SMTP_URL: 'smtps://user:pass@mail.example.com:465' });
    expect(services(real.stdout)['api']?.environment?.['SMTP_URL']).toBe('smtps://user:pass@mail.example.com:465');
  });

  it('refuses to start without JWT_SECRET, with the message from the file', () => {
    const result = composeConfig([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/services\.api\.environment\.JWT_SECRET: required variable JWT_SECRET .*openssl rand/);
  });

  it('the default runs one API on :3000; the scale profile adds replicas behind nginx, trusting exactly one proxy hop', () => {
    const single = composeConfig([], { JWT_SECRET: SECRET });
    expect(Object.keys(services(single.stdout)).sort()).toEqual(['api', 'db', 'mailpit']);

    const scaled = composeConfig(['--profile', 'scale'], { JWT_SECRET: SECRET });
    expect(scaled.code, scaled.stderr).toBe(0);
    const all = services(scaled.stdout);
    const replicas = all['api-replicas'];
    expect(Number(replicas?.deploy?.replicas)).toBeGreaterThanOrEqual(2);
    expect(replicas?.ports).toBeUndefined();
    expect(replicas?.environment).toMatchObject({ DATABASE_URL: 'postgres://app:app@db:5432/app', TRUST_PROXY: '1', DATABASE_POOL_MAX: '10' });
    expect(all['proxy']?.ports).toEqual(['8080:8080']);
    expect(all['proxy']?.depends_on).toEqual(['api-replicas']);
    expect(all['proxy']?.volumes).toEqual(['./deploy/nginx.conf:/etc/nginx/nginx.conf:ro']);
    // Every API process: metrics inside the network only, never published.
    for (const name of ['api', 'api-replicas']) {
      expect(all[name]?.environment?.['METRICS_HOST']).toBe('0.0.0.0');
      expect(JSON.stringify(all[name]?.ports ?? [])).not.toContain('9464');
    }
    const more = composeConfig(['--profile', 'scale'], { JWT_SECRET: SECRET, API_REPLICAS: '4', TRUST_PROXY: '2' });
    expect(services(more.stdout)['api-replicas']).toMatchObject({ deploy: { replicas: '4' }, environment: { TRUST_PROXY: '2' } });
  });

  it('nginx passes the client address for TRUST_PROXY=1 and never exposes /metrics', () => {
    const nginx = readFileSync(join(root, 'deploy/nginx.conf'), 'utf8');
    expect(nginx).toMatch(/server api-replicas:3000 resolve;/);
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
    expect(nginx).toMatch(/location = \/metrics \{\s*return 404;/);
  });

  it('catches what the schema refuses and references to nothing', () => {
    const unknownKey = composeConfig([composeFile('services:\n  api:\n    image: x\n    replicas_count: 2\n')]);
    expect(unknownKey.code).toBe(1);
    expect(unknownKey.stderr).toMatch(/\/services\/api: must NOT have additional properties/);
    const noImage = composeConfig([composeFile('services:\n  api:\n    environment: { A: b }\n')]);
    expect(noImage.code).toBe(1);
    expect(noImage.stderr).toContain('services.api: has neither an image nor a build context specified');
    const dangling = composeConfig([composeFile('services:\n  api:\n    image: x\n    depends_on: [db]\n    volumes: ["data:/data"]\n')]);
    expect(dangling.code).toBe(1);
    expect(dangling.stderr).toContain('services.api.depends_on: undefined service "db"');
    expect(dangling.stderr).toContain('services.api.volumes: undefined volume "data"');
  });

  it('interpolates as Compose does: defaults, $$ escapes, alternatives', () => {
    const file = composeFile(
      'services:\n  api:\n    image: "app:${TAG:-latest}"\n    environment:\n      A: "${UNSET-fallback}"\n      B: "$$HOME"\n      C: "${SET:+on}"\n      D: "${EMPTY:-empty-default}"\n',
    );
    const result = composeConfig([file], { SET: 'x', EMPTY: '' });
    expect(result.code, result.stderr).toBe(0);
    const api = services(result.stdout)['api'];
    expect(api?.image).toBe('app:latest');
    expect(api?.environment).toEqual({ A: 'fallback', B: '$HOME', C: 'on', D: 'empty-default' });
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const runtimeStage = dockerfile.slice(dockerfile.indexOf(' AS runtime'));

  it('builds and runs on the LTS Node.js that CI tests (.nvmrc)', () => {
    const lts = readFileSync(join(root, '.nvmrc'), 'utf8').trim();
    expect(dockerfile).toContain(`ARG NODE_VERSION=${lts}`);
    expect(Number(lts.split('.')[0]) % 2).toBe(0); // even majors are the LTS lines
    for (const from of dockerfile.match(/^FROM .*/gm) ?? []) expect(from).toMatch(/^FROM node:\$\{NODE_VERSION\}-/);
  });

  it('runtime stage: the assembled server only, as the non-root node user', () => {
    expect(dockerfile).toMatch(/node tools\/scripts\/assemble-runtime\.mjs \/runtime/);
    expect(runtimeStage).toContain('COPY --from=build /runtime ./');
    expect(runtimeStage).not.toMatch(/COPY (--\S+ )*package(-lock)?\.json/);
    expect(runtimeStage).toMatch(/^USER node$/m);
    expect(runtimeStage).toMatch(/^CMD \["node", "--enable-source-maps", "main\.mjs"\]$/m);
  });
});
