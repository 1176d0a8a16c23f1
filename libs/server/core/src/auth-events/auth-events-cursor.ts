import type { AuthEventPosition } from '@app/server-data-access';
import { InvalidCursorError } from '../errors';

const BIGINT_MAX = 9_223_372_036_854_775_807n;
/**
 * The last millisecond of the year 9999: later times are Dates JavaScript can hold but the driver
 * cannot write as a timestamp PostgreSQL reads (a five-digit year), and no event is that late.
 */
const TIME_MAX = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const SHAPE = /^(\d{1,16}):(\d{1,19})$/;

/** The opaque `nextCursor` of an events page: `<created at, ms>:<id>` of its last event, base64url. */
export function encodeAuthEventsCursor(position: AuthEventPosition): string {
  return Buffer.from(`${position.createdAt.getTime()}:${position.id}`, 'utf8').toString('base64url');
}

/** The position a cursor names; InvalidCursorError (400) for anything this server would not have issued. */
export function decodeAuthEventsCursor(cursor: string): AuthEventPosition {
  const match = SHAPE.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const time = Number(match?.[1]);
  const id = match?.[2];
  if (!match || id === undefined || time > TIME_MAX || BigInt(id) > BIGINT_MAX) throw new InvalidCursorError('The cursor is invalid');
  return { createdAt: new Date(time), id: BigInt(id).toString() };
}
