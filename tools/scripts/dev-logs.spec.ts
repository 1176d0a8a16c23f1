import { ApiProcess, signUp } from '@app/server-testing';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { prettyLogStream, wantsPrettyLogs } from './dev-logs.mjs';

interface LogLine {
  level: number;
  msg: string;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number };
}

/** Runs `text` through the prettifier that `npm start` uses on a terminal. */
async function prettify(text: string): Promise<string> {
  const out = new PassThrough();
  let result = '';
  out.on('data', (chunk: Buffer) => (result += chunk.toString()));
  const stream = prettyLogStream(out);
  await new Promise<void>((resolve) => stream.end(text, resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return result;
}

describe('development logs', () => {
  let api: ApiProcess | undefined;
  afterAll(async () => {
    await api?.stop();
  });

  it('pretty on a terminal, JSON when piped; LOG_FORMAT decides either way', () => {
    expect(wantsPrettyLogs({}, true)).toBe(true);
    expect(wantsPrettyLogs({}, false)).toBe(false);
    expect(wantsPrettyLogs({}, undefined)).toBe(false);
    expect(wantsPrettyLogs({ LOG_FORMAT: 'json' }, true)).toBe(false);
    expect(wantsPrettyLogs({ LOG_FORMAT: 'pretty' }, false)).toBe(true);
  });

  it('the server writes JSON; the pretty lines carry the same fields, one line each, and the banner unchanged', async () => {
    api = await ApiProcess.start({ jwtSecret: 'dev-logs-secret-of-at-least-32-bytes-long', env: { LOG_LEVEL: 'info' } }, { timeoutMs: 90_000 });
    await signUp(api, { headers: { 'x-request-id': 'dev-logs-1' } });
    await api.stop();
    const lines = api.stdout.split('\n').filter((line) => line.startsWith('{'));
    const parsed = lines.map((line) => JSON.parse(line) as LogLine);
    const request = parsed.find((line) => line.req?.id === 'dev-logs-1');
    expect(request).toMatchObject({ msg: 'request completed', req: { method: 'POST', url: '/trpc/auth.signup' }, res: { statusCode: 200 } });

    const pretty = (await prettify(api.stdout)).split('\n');
    expect(pretty).toContain(api.stdout.split('\n').find((line) => line.includes('App ready at')));
    const prettyRequest = pretty.find((line) => line.includes('"dev-logs-1"'));
    expect(prettyRequest).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(\d+ on .+\): request completed /);
    for (const field of ['"method":"POST"', '"url":"/trpc/auth.signup"', '"statusCode":200', 'responseTime']) {
      expect(prettyRequest).toContain(field);
    }
    // One pretty line per JSON line, none dropped.
    for (const line of parsed) expect(pretty.some((text) => text.includes(`: ${line.msg}`))).toBe(true);
  }, 120_000);
});
