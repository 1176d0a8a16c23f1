import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { requestLogging } from './request-logging';

interface Line {
  level: number;
  msg: string;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number };
}

async function serve(level: string) {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  const logging = requestLogging(pino({ level }, stream));
  const server = createServer((req, res) =>
    logging.step(req, res, () => {
      const failing = req.url?.startsWith('/fails') === true;
      if (failing) logging.logFor(req).error('something broke');
      res.statusCode = failing ? 500 : 200;
      res.end(JSON.stringify({ ok: !failing }));
    }),
  );
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, lines, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('requestLogging', () => {
  let close: (() => Promise<unknown>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  for (const level of ['warn', 'info']) {
    it(`at ${level}: a request id on every answer, echoed when safe, and error lines carrying it`, async () => {
      const server = await serve(level);
      close = server.close;
      const generated = await fetch(`${server.url}/ok?secret=1`);
      expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const echoed = await fetch(`${server.url}/ok`, { headers: { 'x-request-id': 'trace.abc-123' } });
      expect(echoed.headers.get('x-request-id')).toBe('trace.abc-123');
      const refused = await fetch(`${server.url}/ok`, { headers: { 'x-request-id': 'no spaces <script>' } });
      expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

      const failed = await fetch(`${server.url}/fails`, { headers: { 'x-request-id': 'failing-1' } });
      expect(failed.status).toBe(500);
      await new Promise((resolve) => setTimeout(resolve, 20));

      const errors = server.lines.filter((line) => line.level >= 50);
      expect(errors.map((line) => line.msg)).toEqual(['something broke', 'request errored']);
      for (const line of errors) expect(line.req).toMatchObject({ id: 'failing-1', method: 'GET', url: '/fails' });
      expect(errors[1]?.res).toEqual({ statusCode: 500 });
      // Success lines only when info is on; never a query string.
      expect(server.lines.filter((line) => line.level === 30)).toHaveLength(level === 'info' ? 3 : 0);
      expect(JSON.stringify(server.lines)).not.toContain('secret');
    });
  }
});
