import { describe, expect, it } from 'vitest';
import { EmailTakenError, LinkTokenError, RateLimitedError, RefreshRejectedError } from './errors';
import { AppErrorCode } from '@app/contracts';

describe('domain errors', () => {
  it('are Errors whose stack is one line naming the refusal: no frames to format', () => {
    const errors = [new RefreshRejectedError('mismatch'), new EmailTakenError(), new RateLimitedError(30), new LinkTokenError(AppErrorCode.ResetTokenExpired, 'Ask for a new link')];
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expect(error.stack).toBe(`${error.constructor.name}: ${error.message}`);
      expect(error.stack).not.toContain('\n');
    }
  });

  it('keep their message and fields, and the stack stays writable for whoever wraps them', () => {
    const error = new RefreshRejectedError('reused');
    expect(error.reason).toBe('reused');
    expect(Object.keys(error)).toEqual(['reason']);
    error.stack = 'replaced';
    expect(error.stack).toBe('replaced');
  });
});
