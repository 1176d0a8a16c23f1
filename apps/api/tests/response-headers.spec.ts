import { signUp, startTestServer, type TestServer } from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** API answers are JSON that is never rendered: a short, fixed set of security headers on every one of them. */
let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  token = (await signUp(server)).accessToken;
});
afterAll(async () => {
  await server?.close();
});

const API_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

describe('security headers of API answers', () => {
  const calls: [string, () => Promise<Response>][] = [
    ['a signed-in query (200)', () => fetch(`${server.url}/trpc/auth.me`, { headers: { authorization: `Bearer ${token}` } })],
    ['a refused call (401)', () => fetch(`${server.url}/trpc/auth.me`)],
    ['bad input (400)', () => fetch(`${server.url}/trpc/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":1}' })],
    ['an unknown procedure (404)', () => fetch(`${server.url}/trpc/no.such`)],
    ['a malformed body (400)', () => fetch(`${server.url}/trpc/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })],
  ];
  for (const [name, call] of calls) {
    it(`${name}: every header, exactly, and no X-Powered-By`, async () => {
      const res = await call();
      await res.arrayBuffer();
      expect(res.status).toBeGreaterThanOrEqual(200);
      for (const [header, value] of Object.entries(API_HEADERS)) expect(res.headers.get(header), header).toBe(value);
      expect(res.headers.get('x-powered-by')).toBeNull();
    });
  }

  it('other answers keep the web app’s headers (a page policy that allows its own scripts)', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
