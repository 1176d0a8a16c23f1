import { createInterface } from 'node:readline';
import { promptHidden } from '../cli/src/terminal-input';

/**
 * Reads one line without echoing it on a TTY (the CLI's password prompt); from a pipe it reads
 * the first line as is.
 */
export async function readSecret(prompt: string): Promise<string> {
  const input = process.stdin;
  if (input.isTTY) return promptHidden(prompt, input, process.stderr);
  const rl = createInterface({ input, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}
