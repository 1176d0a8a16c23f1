import type { Writable } from 'node:stream';

/** Characters that take two columns in a terminal (CJK, Hangul, full-width forms, most emoji). */
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]/u;
/** Characters that take no column (combining marks, zero-width joiners). */
const ZERO_WIDTH = /[\p{Mn}\p{Me}\u200B-\u200D\uFE00-\uFE0F]/u;

/** Columns a string takes in a terminal. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += ZERO_WIDTH.test(char) ? 0 : WIDE.test(char) ? 2 : 1;
  return width;
}

/**
 * Makes server-provided text safe to print: control characters (which could carry terminal
 * escape sequences, e.g. in a user agent) become `?`.
 */
function printable(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, '?');
}

function truncate(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = '';
  for (const char of text) {
    if (displayWidth(out + char) > max - 1) break;
    out += char;
  }
  return `${out}…`;
}

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  /** Longest cell, in columns, before it is cut with "…". */
  max?: number;
}

/**
 * A plain-text table: a header line, then one line per row, columns separated by two spaces,
 * aligned by terminal width (CJK characters take two columns).
 * @see https://www.unicode.org/reports/tr11/
 */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => truncate(printable(c.value(row)), c.max ?? 60)));
  const widths = columns.map((c, i) => Math.max(displayWidth(c.header), ...cells.map((r) => displayWidth(r[i] ?? ''))));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v + ' '.repeat((widths[i] ?? 0) - displayWidth(v))))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n');
}

/** `2026-11-29T17:02:11.123Z` → `2026-11-29 17:02 UTC`. */
export function formatInstant(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Where the CLI writes: data to stdout (a table, or JSON with `--json`), everything meant for a
 * person (notes, hints, errors) to stderr, so `--json` output can be piped as is.
 */
export class CliOutput {
  constructor(
    readonly json: boolean,
    private readonly stdout: Writable,
    private readonly stderr: Writable,
  ) {}

  /** The result: `value` as JSON with `--json`, else the human form. */
  result(value: unknown, human: () => string): void {
    this.stdout.write(this.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
  }

  /** A note for a person (never in `--json` output). */
  note(message: string): void {
    if (!this.json) this.stderr.write(`${message}\n`);
  }

  error(message: string, details: Record<string, unknown> = {}): void {
    this.stderr.write(this.json ? `${JSON.stringify({ error: { message, ...details } })}\n` : `Error: ${message}\n`);
  }
}
