import { PAGE_LIMIT_MAX, type Page } from '@app/contracts';
import { flag, type OptionValues, positiveInt, stringOption } from './cli-command';
import { CliError, ExitCode } from './cli-errors';

/** Page size for `--all`: the server's largest, for the fewest round trips. */
export const PAGE_SIZE_FOR_ALL = PAGE_LIMIT_MAX;

/** `--limit <n>`, else the largest page with `--all`, else the server's default. */
export function pageLimit(options: OptionValues): number | undefined {
  const text = stringOption(options, 'limit');
  if (text !== undefined) return positiveInt(text, '--limit');
  return flag(options, 'all') ? PAGE_SIZE_FOR_ALL : undefined;
}

/**
 * Reads one page from `cursor`, or with `all` follows the cursors to the end (or until `stop`
 * matches an item). With `all` the result's `nextCursor` is null.
 */
export async function readPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  { cursor, all, stop }: { cursor: string | undefined; all: boolean; stop?: (item: T) => boolean },
): Promise<Page<T>> {
  const items: T[] = [];
  const seen = new Set<string>();
  let page: Page<T>;
  do {
    page = await fetchPage(cursor);
    items.push(...page.items);
    if (stop && page.items.some(stop)) break;
    cursor = page.nextCursor ?? undefined;
    if (cursor !== undefined && seen.has(cursor)) throw new CliError('The server returned the same cursor twice; stopping.', ExitCode.Failure);
    if (cursor !== undefined) seen.add(cursor);
  } while (all && cursor !== undefined);
  return { items, nextCursor: all ? null : page.nextCursor };
}
