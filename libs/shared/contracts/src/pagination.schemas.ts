import * as z from 'zod';

export const PAGE_LIMIT_DEFAULT = 20;
export const PAGE_LIMIT_MAX = 100;

export const PageLimit = z
  .number({ error: 'Limit must be a number' })
  .int('Limit must be a whole number')
  .min(1, 'Limit must be at least 1')
  .max(PAGE_LIMIT_MAX, `Limit must be at most ${PAGE_LIMIT_MAX}`)
  .default(PAGE_LIMIT_DEFAULT);

/** An opaque keyset cursor handed out as `nextCursor`. */
export const Cursor = z.string().min(1, 'Cursor is empty').max(512, 'Cursor is malformed');

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
/** A page of a keyset-paged list, as every list procedure answers. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
