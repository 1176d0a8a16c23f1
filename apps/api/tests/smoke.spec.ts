import { AppErrorCode } from '@app/contracts';
import { startTestServer, strongPassword, type TestServer, trpcMutation, trpcQuery, uniqueEmail } from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectNoLeak } from './support';

describe('server smoke', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers /healthz (liveness) as plain JSON over GET', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with the database it reached', async () => {
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: server.kind });
  });

  it('signs up and reads me over bearer', async () => {
    const email = uniqueEmail();
    const signup = await trpcMutation<{ accessToken: string; user: { email: string } }>(server.url, 'auth.signup', {
      email,
      password: strongPassword(),
    });
    expect(signup.status).toBe(200);
    const me = await trpcQuery<{ email: string; role: string }>(server.url, 'auth.me', undefined, { token: signup.data.accessToken });
    expect(me.status).toBe(200);
    expect(me.data).toMatchObject({ email, role: 'user' });
  });

  it('an unknown procedure is a 404 in tRPC’s shape; an unknown path is a plain 404; neither leaks', async () => {
    const procedure = await trpcQuery(server.url, 'people.nothing');
    expectError(procedure, 404, AppErrorCode.NotFound);
    const path = await fetch(`${server.url}/no/such/path`);
    expect(path.status).toBe(404);
    expectNoLeak(await path.text());
  });

  it('every response carries a request id, and tRPC answers are never cached', async () => {
    const res = await trpcQuery(server.url, 'auth.me');
    expect(res.headers.get('x-request-id')).toMatch(/^[\w.-]+$/);
    expect(res.headers.get('cache-control')).toContain('no-store');
  });
});
