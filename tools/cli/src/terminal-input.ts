import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { InterruptedError, UsageError } from './cli-errors';

/** stdin as the CLI sees it: a TTY (prompts possible) or a pipe. */
export type InputStream = Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

/** Reads all of stdin (for `--password-stdin`), dropping one trailing newline. */
export async function readAllStdin(stdin: InputStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks a question on the terminal, with echo (for the email). Prompts go to stderr, keeping stdout for data. */
export async function promptLine(question: string, stdin: InputStream, stderr: Writable): Promise<string> {
  if (!stdin.isTTY) throw new UsageError('No terminal to ask on; pass the value as an option');
  const rl = createInterface({ input: stdin, output: stderr, terminal: true });
  const interrupted = new Promise<never>((_, reject) => rl.once('SIGINT', () => reject(new InterruptedError())));
  try {
    return (await Promise.race([rl.question(question), interrupted])).trim();
  } finally {
    rl.close();
  }
}

/**
 * Reads a secret from the terminal without echoing it: raw mode, character by character.
 * Enter finishes, Backspace deletes, Ctrl-C interrupts, Ctrl-U clears; other control
 * characters (arrow keys and such) are ignored.
 * @see https://nodejs.org/api/tty.html#readstreamsetrawmodemode
 */
export function promptHidden(question: string, stdin: InputStream, stderr: Writable): Promise<string> {
  if (!stdin.isTTY || !stdin.setRawMode) {
    return Promise.reject(new UsageError('No terminal to read the password from; pipe it in with --password-stdin'));
  }
  const setRawMode = stdin.setRawMode.bind(stdin);
  // Echo off before the question shows: an answer typed the moment it appears is never echoed.
  setRawMode(true);
  stderr.write(question);
  stdin.setEncoding('utf8');
  stdin.resume();

  return new Promise<string>((resolve, reject) => {
    let value = '';
    let escape = false;
    const finish = (outcome: () => void) => {
      stdin.off('data', onData);
      setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      outcome();
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (escape) {
          // Skip an escape sequence (ESC [ … letter) such as an arrow key.
          if (/[A-Za-z~]/.test(char)) escape = false;
          continue;
        }
        switch (char) {
          case '\r':
          case '\n':
          case '\u0004':
            return finish(() => resolve(value));
          case '\u0003':
            return finish(() => reject(new InterruptedError()));
          case '\u007f':
          case '\b':
            value = [...value].slice(0, -1).join('');
            break;
          case '\u0015':
            value = '';
            break;
          case '\u001b':
            escape = true;
            break;
          default:
            if (!/\p{Cc}/u.test(char)) value += char;
        }
      }
    };
    stdin.on('data', onData);
  });
}
