import { User } from '@app/contracts';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { checkedOutput, OutputContractError } from './checked-output';

/** The answer a service might build by mistake: the row, hash and all. */
const row = { id: 'u1', email: 'a@example.com', role: 'user' as const, emailVerified: true, passwordHash: '$2b$10$abcdefghijklmnopqrstuv', sessionId: 's1' };

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('checkedOutput', () => {
  it('drops every key the contract does not name: a password hash never reaches a client', () => {
    const answer = checkedOutput(User, row);
    expect(answer).toEqual({ id: 'u1', email: 'a@example.com', role: 'user', emailVerified: true });
    expect(JSON.stringify(answer)).not.toContain('$2b$');
  });

  it('an answer that does not fit is a 500 whose message tells the client nothing, and whose cause names the fields', () => {
    const error = thrown(() => checkedOutput(User, { ...row, role: 'root' as 'user', emailVerified: undefined as unknown as boolean }));
    expect(error).toBeInstanceOf(TRPCError);
    const trpcError = error as TRPCError;
    expect(trpcError.code).toBe('INTERNAL_SERVER_ERROR');
    expect(trpcError.message).toBe('Output validation failed');
    expect(trpcError.message).not.toContain('root');
    expect(trpcError.cause).toBeInstanceOf(OutputContractError);
    expect(trpcError.cause?.message).toBe('answer does not fit its contract at role, emailVerified');
  });

  it('a wrong root is named as such', () => {
    const error = thrown(() => checkedOutput(User, null as unknown as User)) as TRPCError;
    expect(error.cause?.message).toBe('answer does not fit its contract at (root)');
  });
});
