import { DEFAULT_RATE_LIMITS } from '@app/server-trpc';
import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv, toServerConfig } from './env';

describe('rate-limit settings', () => {
  it('default to the built-in limits', () => {
    expect(toServerConfig(loadEnv({}), 'x'.repeat(32)).rateLimits).toEqual(DEFAULT_RATE_LIMITS);
  });

  it('read max/window overrides', () => {
    const env = loadEnv({
      RATE_LIMIT_LOGIN_PER_IP: '1000/1m',
      RATE_LIMIT_LOGIN_PER_EMAIL: ' 20 / 30m ',
      RATE_LIMIT_SIGNUP_PER_IP: '50/1h',
      RATE_LIMIT_REFRESH_PER_IP: '100000/60000',
    });
    expect(toServerConfig(env, 'x'.repeat(32)).rateLimits).toEqual({
      loginPerIp: { max: 1000, windowMs: 60_000 },
      loginPerEmail: { max: 20, windowMs: 30 * 60_000 },
      signupPerIp: { max: 50, windowMs: 3_600_000 },
      refreshPerIp: { max: 100_000, windowMs: 60_000 },
    });
  });

  it.each(['100', '0/5m', '100/0', '100/soon', '-1/5m', 'lots/5m'])('refuse %j, naming the variable', (value) => {
    expect(() => loadEnv({ RATE_LIMIT_REFRESH_PER_IP: value })).toThrow(EnvError);
    expect(() => loadEnv({ RATE_LIMIT_REFRESH_PER_IP: value })).toThrow(/RATE_LIMIT_REFRESH_PER_IP: .*100\/5m/);
  });
});
