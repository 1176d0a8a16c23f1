import { ServerMetrics } from '@app/server-observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningMetricsServer, startMetricsServer } from './metrics-server';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('the metrics listener', () => {
  let open: RunningMetricsServer;
  let guarded: RunningMetricsServer;
  beforeAll(async () => {
    const metrics = new ServerMetrics();
    metrics.procedureCompleted('people.list', 'query', { status: 200 }, 0.004);
    open = await startMetricsServer(metrics, { port: 0, host: '127.0.0.1' });
    guarded = await startMetricsServer(metrics, { port: 0, host: '127.0.0.1', token: TOKEN });
  });
  afterAll(async () => {
    await Promise.all([open?.close(), guarded?.close()]);
  });

  it('answers GET /metrics in the Prometheus format, and nothing else', async () => {
    const res = await fetch(open.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('authstack_trpc_request_duration_seconds_count{procedure="people.list",type="query",status="200"} 1');
    expect((await fetch(open.url.replace('/metrics', '/'))).status).toBe(404);
    expect((await fetch(open.url.replace('/metrics', '/trpc/auth.me'))).status).toBe(404);
    expect((await fetch(open.url, { method: 'POST' })).status).toBe(405);
  });

  it('a taken port stops start-up with a message naming METRICS_PORT', async () => {
    const port = Number(new URL(open.url).port);
    await expect(startMetricsServer(new ServerMetrics(), { port, host: '127.0.0.1' })).rejects.toThrow(
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} .*EADDRINUSE.*set METRICS_PORT to a free port, or off`),
    );
  });

  it('with METRICS_TOKEN: no token, a wrong one or another scheme is a 401 that tells nothing', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789abcdef', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, 'Bearer ']) {
      const res = await fetch(guarded.url, authorization ? { headers: { authorization } } : {});
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await res.text()).not.toContain('authstack_');
    }
    const ok = await fetch(guarded.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('authstack_auth_events_total{event="sign_in_failed"} 0');
  });
});
