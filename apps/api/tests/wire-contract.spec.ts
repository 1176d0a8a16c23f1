import { AppErrorCode } from '@app/contracts';
import { signUp, startTestServer, type TestServer, trpcMutation } from '@app/server-testing';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { bodyLimitBytes: 2048 } });
});
afterAll(async () => {
  await server?.close();
});

interface ErrorBody {
  error: { message: string; code: number; data: { code: keyof typeof TRPC_ERROR_CODES_BY_KEY; httpStatus: number; appCode: string } };
}

/**
 * Refusals made before a procedure runs (method, media type, origin, size) answer exactly like a
 * procedure's errors: tRPC's JSON-RPC code for their tRPC code, and the HTTP status to match.
 */
describe('refusals by the HTTP guards carry tRPC’s own error codes', () => {
  const send = (path: string, init: RequestInit) => fetch(`${server.url}/trpc/${path}`, init);

  const json = { 'content-type': 'application/json' };
  it.each<[string, keyof typeof TRPC_ERROR_CODES_BY_KEY, number, string, () => Promise<Response>]>([
    ['a PUT', 'METHOD_NOT_SUPPORTED', 405, AppErrorCode.InvalidInput, () => send('people.create', { method: 'PUT', headers: json, body: '{}' })],
    ['a text/plain body', 'UNSUPPORTED_MEDIA_TYPE', 415, AppErrorCode.UnsupportedMediaType, () => send('auth.login', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' })],
    ['a foreign Origin', 'FORBIDDEN', 403, AppErrorCode.CrossSiteRequest, () => send('auth.me', { headers: { origin: 'https://evil.example' } })],
    ['a body over the limit', 'PAYLOAD_TOO_LARGE', 413, AppErrorCode.PayloadTooLarge, () => send('auth.login', { method: 'POST', headers: json, body: JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(4096) }) })],
  ])('%s → %s', async (_label, code, status, appCode, request) => {
    const res = await request();
    expect(res.status).toBe(status);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe(TRPC_ERROR_CODES_BY_KEY[code]);
    expect(body.error.data).toMatchObject({ code, httpStatus: status, appCode });
    expect(body.error.message.length).toBeGreaterThan(0);
  });

  it('a procedure’s own refusal uses the same table', async () => {
    const account = await signUp(server);
    const res = await trpcMutation(server.url, 'users.setRole', { userId: account.user.id, role: 'admin' }, { token: account.accessToken });
    expect(res.status).toBe(403);
    expect(res.error?.code).toBe(TRPC_ERROR_CODES_BY_KEY.FORBIDDEN);
  });
});
