import { describe, expect, it } from 'vitest';
import { CallsInFlight } from './calls-in-flight';

/** A call the test ends when it wants. */
function pendingCall() {
  let end: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const call = new Promise<void>((resolve, reject) => {
    end = resolve;
    fail = reject;
  });
  return { call, end, fail };
}

describe('CallsInFlight', () => {
  it('settles at once with nothing running', async () => {
    const calls = new CallsInFlight();
    await calls.settled();
    expect(calls.size).toBe(0);
  });

  it('settles only after every call ended, a failed one included, and one started while waiting', async () => {
    const calls = new CallsInFlight();
    const first = pendingCall();
    const second = pendingCall();
    const late = pendingCall();
    calls.track(first.call);
    calls.track(second.call);
    first.call.catch(() => undefined);
    second.call.catch(() => undefined);

    let settled = false;
    const waiting = calls.settled().then(() => (settled = true));
    first.end();
    calls.track(late.call);
    second.fail(new Error('the database went away'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    expect(calls.size).toBe(1);

    late.end();
    await waiting;
    expect(settled).toBe(true);
    expect(calls.size).toBe(0);
  });
});
