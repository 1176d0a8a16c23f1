import type { ApiClient, StoredSession } from '@app/api-client';
import type { ParseArgsConfig } from 'node:util';
import type { Writable } from 'node:stream';
import { UsageError } from './cli-errors';
import type { CliOutput } from './cli-output';
import type { InputStream } from './terminal-input';

/** Parsed option values, as `parseArgs` returns them. */
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** What a command gets to do its work. */
export interface CommandContext {
  api: ApiClient;
  out: CliOutput;
  url: string;
  options: OptionValues;
  /** Positional arguments after the command's own words. */
  args: string[];
  stdin: InputStream;
  stderr: Writable;
  /** A client for another session on the same server (e.g. to end the session a login replaces). */
  clientFor(session: StoredSession): ApiClient;
}

/**
 * One CLI command, e.g. `people list`.
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
export interface Command {
  /** The words that select it, e.g. `['people', 'list']`. */
  words: string[];
  /** `<arg>` part of the usage line, e.g. `<id> [--first-name <name>]`. */
  usage: string;
  summary: string;
  options?: NonNullable<ParseArgsConfig['options']>;
  /** Exact number of positional arguments, or a range. */
  args?: { min: number; max: number };
  run(context: CommandContext): Promise<void>;
}

export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

export function flag(options: OptionValues, name: string): boolean {
  return options[name] === true;
}

/** A positive whole number from the command line, e.g. an id or a limit. */
export function positiveInt(value: string, what: string): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) < 1) throw new UsageError(`${what} must be a positive whole number, not "${value}"`);
  return Number(value);
}
