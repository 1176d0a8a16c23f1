import { TRPCError } from '@trpc/server';
import type { z } from 'zod';

/** An answer that does not fit its contract: a server bug, logged with the reason, never detailed to the client. */
export class OutputContractError extends Error {
  override readonly name = 'OutputContractError';
}

/**
 * A procedure's answer checked against its contract: the shape enforced and unknown keys dropped,
 * so a field a service added by mistake (a password hash, say) never reaches a client. This is
 * what tRPC's `.output()` does, but done in the resolver: `.output()` adds a middleware, and each
 * tRPC middleware copies the call's options and context again on every call (docs/benchmarks.md).
 * A mismatch is a 500 whose cause names the fields, for the log.
 */
export function checkedOutput<S extends z.ZodType>(contract: S, answer: z.input<S>): z.output<S> {
  const result = contract.safeParse(answer);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => issue.path.join('.') || '(root)');
  throw new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message: 'Output validation failed',
    cause: new OutputContractError(`answer does not fit its contract at ${[...new Set(fields)].join(', ')}`),
  });
}
