import { TRPCClientError } from '@trpc/client';
import { describeRetryAfter, isTransientError, toApiError } from './api-error';

describe('toApiError', () => {
  const rateLimited = (retryAfterSeconds: number | null) =>
    TRPCClientError.from(
      { error: { message: 'Too many attempts; try again later', code: -32029, data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, appCode: 'RATE_LIMITED' } } },
      { meta: { status: 429, retryAfterSeconds } },
    );

  it('says when a rate-limited user may try again, from Retry-After', () => {
    const error = toApiError(rateLimited(900));
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBe(900);
    expect(error.message).toMatch(/^Too many attempts; try again in 15 minutes \(at .+\)\.$/);
  });

  it('does not pretend to know when, without Retry-After', () => {
    expect(toApiError(rateLimited(null)).message).toBe('Too many attempts; wait a while before trying again.');
  });

  it('tells passing failures from answers that will not change', () => {
    const offline = TRPCClientError.from(new Error('Cannot reach the server'), { meta: { status: 0 } });
    expect(isTransientError(offline)).toBe(true);
    expect(isTransientError(rateLimited(5))).toBe(true);
    const forbidden = TRPCClientError.from({ error: { message: 'no', code: -32003, data: { httpStatus: 403 } } });
    expect(isTransientError(forbidden)).toBe(false);
  });
});

describe('describeRetryAfter', () => {
  const now = new Date('2026-01-01T12:00:00');

  it.each([
    [1, 'in 1 second'],
    [40, 'in 40 seconds'],
    [60, 'in 1 minute'],
    [61, 'in 2 minutes'],
  ])('%i s → %s', (seconds, text) => {
    expect(describeRetryAfter(seconds, now).startsWith(text)).toBe(true);
  });

  it('adds the clock time for longer waits, rounded up', () => {
    expect(describeRetryAfter(899, now)).toBe(`in 15 minutes (at ${new Date('2026-01-01T12:15:00').toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })})`);
  });
});
