import { parseMetrics } from '@app/server-testing';
import { describe, expect, it } from 'vitest';
import { ServerMetrics } from './metrics';

const scrape = async (metrics: ServerMetrics) => parseMetrics((await metrics.scrape()).body);

describe('ServerMetrics', () => {
  it('two instances never share a series (each server has its own registry)', async () => {
    const one = new ServerMetrics();
    const two = new ServerMetrics();
    one.authEvent('sign_in_failed');
    one.procedureCompleted('auth.login', 'mutation', { status: 401, errorCode: 'UNAUTHORIZED' }, 0.05);
    one.procedureCompleted('auth.login', 'mutation', { status: 401, errorCode: 'UNAUTHORIZED' }, 0.07);
    expect((await scrape(one)).value('authstack_auth_events_total', { event: 'sign_in_failed' })).toBe(1);
    expect((await scrape(two)).value('authstack_auth_events_total', { event: 'sign_in_failed' })).toBe(0);
    const latency = { procedure: 'auth.login', type: 'mutation', status: '401' };
    const first = await scrape(one);
    expect(first.value('authstack_trpc_request_duration_seconds_count', latency)).toBe(2);
    expect(first.value('authstack_trpc_request_duration_seconds_bucket', { ...latency, le: '0.05' })).toBe(1);
    expect(first.value('authstack_trpc_request_duration_seconds_bucket', { ...latency, le: '0.1' })).toBe(2);
    expect(first.value('authstack_trpc_request_duration_seconds_sum', latency)).toBeCloseTo(0.12);
  });

  it('the outbox depth and the pool are read at scrape time, from the sources attached', async () => {
    const metrics = new ServerMetrics();
    expect((await scrape(metrics)).has('authstack_mail_outbox_depth')).toBe(false);
    let unsent = 3;
    metrics.observeOutboxDepth(async () => unsent);
    metrics.observeDatabasePool(() => ({ total: 7, idle: 2, waiting: 4, max: 10 }));
    const first = await scrape(metrics);
    expect(first.value('authstack_mail_outbox_depth')).toBe(3);
    expect(first.value('authstack_db_pool_connections', { state: 'in_use' })).toBe(5);
    expect(first.value('authstack_db_pool_connections', { state: 'idle' })).toBe(2);
    expect(first.value('authstack_db_pool_waiting_queries')).toBe(4);
    unsent = 0;
    expect((await scrape(metrics)).value('authstack_mail_outbox_depth')).toBe(0);
  });
});
