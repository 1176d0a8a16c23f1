import type { PeopleSort } from '@app/contracts';
import type { PeopleKeyset } from '@app/server-data-access';
import { InvalidCursorError } from '../errors';

/** The opaque `nextCursor` of a people page: the keyset of its last row, base64url JSON. */
export function encodePeopleCursor(keyset: PeopleKeyset): string {
  const values = keyset.sort === 'name' ? ['n', keyset.lastName, keyset.firstName, keyset.id] : ['c', keyset.id];
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0 && (v as number) <= 2_147_483_647;
// No issued cursor holds NUL or an unpaired surrogate, and either would fail in the query (a 500):
// PostgreSQL text cannot hold NUL, and PGlite mis-encodes an unpaired surrogate into invalid UTF-8.
const isName = (v: unknown): v is string => typeof v === 'string' && v.length <= 200 && !v.includes('\u0000') && !/\p{Cs}/u.test(v);

/** Parses a cursor handed out by `encodePeopleCursor` for the same sort; anything else is an InvalidCursorError. */
export function decodePeopleCursor(raw: string, sort: PeopleSort): PeopleKeyset {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(values)) throw new InvalidCursorError();
  if (sort === 'name' && values.length === 4 && values[0] === 'n') {
    const [, lastName, firstName, id] = values;
    if (isName(lastName) && isName(firstName) && isId(id)) return { sort, lastName, firstName, id };
  }
  if (sort === 'newest' && values.length === 2 && values[0] === 'c' && isId(values[1])) {
    return { sort, id: values[1] };
  }
  throw new InvalidCursorError();
}
