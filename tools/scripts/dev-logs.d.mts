import type { Writable } from 'node:stream';

export function wantsPrettyLogs(env: Record<string, string | undefined>, isTerminal: boolean | undefined): boolean;
export function prettyLogStream(destination: Writable, options?: { colorize?: boolean }): Writable;
