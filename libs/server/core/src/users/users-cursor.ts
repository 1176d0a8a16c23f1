import { InvalidCursorError } from '../errors';

/** The opaque `nextCursor` of a users page: the last email seen (emails are unique), base64url. */
export function encodeUsersCursor(lastEmail: string): string {
  return Buffer.from(lastEmail, 'utf8').toString('base64url');
}

export function decodeUsersCursor(cursor: string): string {
  const email = Buffer.from(cursor, 'base64url').toString('utf8');
  // NUL cannot reach PostgreSQL text (the query would fail with a 500); no issued cursor holds one.
  if (!email.includes('@') || email.length > 254 || email.includes('\u0000')) {
    throw new InvalidCursorError('The cursor is invalid');
  }
  return email;
}
