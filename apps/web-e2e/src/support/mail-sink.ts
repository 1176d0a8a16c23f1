import { simpleParser } from 'mailparser';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

/** A mail as it arrived at the test SMTP server: what a test reads to follow the link in it. */
export interface ArrivedMail {
  /** The envelope recipients (RCPT TO). */
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  /** The X-Mail-Kind header (`password_reset`, `email_verification`). */
  readonly kind: string;
  /** The first link in the text body. */
  readonly link: string | null;
  /** Arrival order across the whole run. */
  readonly sequence: number;
}

/**
 * A real SMTP server (the `smtp-server` package, plain, no auth) started by the global setup,
 * which the API under test sends its mail to. Playwright's tests run in other processes than the
 * setup, so every mail is parsed on arrival and written as JSON into `dir`, where they read it.
 * @see https://nodemailer.com/extras/smtp-server/
 */
export async function startMailSink(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let sequence = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData: (stream, session, callback) => {
      simpleParser(stream).then(
        (parsed) => {
          const text = parsed.text ?? '';
          const kind = parsed.headers.get('x-mail-kind');
          const mail: ArrivedMail = {
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: parsed.subject ?? '',
            text,
            kind: typeof kind === 'string' ? kind : '',
            link: /https?:\/\/\S+/.exec(text)?.[0] ?? null,
            sequence: ++sequence,
          };
          writeFileSync(join(dir, `${String(mail.sequence).padStart(6, '0')}.json`), JSON.stringify(mail));
          callback();
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The mails that have arrived in `dir` so far, in arrival order. */
export function arrivedMails(dir: string): ArrivedMail[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as ArrivedMail);
}
