import { SESSION_STARTING_CALLS } from '@app/contracts';
import { SESSION_STARTING_PATHS } from './auth-http-context';

describe('SESSION_STARTING_PATHS', () => {
  it('is the contracts’ set of session-starting calls (written out only to keep zod out of the initial bundle)', () => {
    expect([...SESSION_STARTING_PATHS].sort()).toEqual([...SESSION_STARTING_CALLS].sort());
  });
});
