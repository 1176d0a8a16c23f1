import { startTestServer, strongPassword, type TestServer, trpcMutation, trpcQuery, uniqueEmail } from '@app/server-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('server smoke', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
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
});
