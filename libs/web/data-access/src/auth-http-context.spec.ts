import { AUTH_COOKIES, REFRESH_COOKIE_CALLS, SESSION_STARTING_CALLS } from '@app/contracts';
import { REFRESH_COOKIE_PATHS, REFRESH_COOKIE_SEGMENT, SESSION_STARTING_PATHS } from './auth-http-context';

describe('SESSION_STARTING_PATHS', () => {
  it('is the contracts’ set of session-starting calls (written out only to keep zod out of the initial bundle)', () => {
    expect([...SESSION_STARTING_PATHS].sort()).toEqual([...SESSION_STARTING_CALLS].sort());
  });
});

describe('REFRESH_COOKIE_PATHS', () => {
  it('are the contracts’ calls that use the refresh cookie, sent under the cookie’s path', () => {
    expect([...REFRESH_COOKIE_PATHS].sort()).toEqual([...REFRESH_COOKIE_CALLS].sort());
    expect(`/trpc/${REFRESH_COOKIE_SEGMENT}`).toBe(AUTH_COOKIES.refreshPath);
  });
});
