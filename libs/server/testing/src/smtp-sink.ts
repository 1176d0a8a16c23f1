import type { ServerConfig } from '@app/server-config';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { sleep } from './fixtures';
import { testConfig } from './test-server';

/** A mail as it arrived at the test's SMTP server, parsed. */
export interface ReceivedMail {
  from: string;
  /** The envelope recipients (RCPT TO). */
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** The X-Mail-Kind header (`password_reset`, `email_verification`). */
  kind: string;
  /** The first link in the text body, and its `token` parameter. */
  link: string | undefined;
  token: string | undefined;
}

/**
 * A real SMTP server in the test process (the `smtp-server` package, no TLS, no auth): every
 * mail that reaches it is parsed and kept. `down()` closes the port (a relay that is away: the
 * API's connections are refused) and `up()` opens it again on the same port.
 * @see https://nodemailer.com/extras/smtp-server/
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | undefined;
  private port = 0;

  private constructor() {}

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await sink.up();
    return sink;
  }

  /** `smtp://127.0.0.1:<port>`: for SMTP_URL. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Opens the port (the same one after a `down()`). */
  async up(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        simpleParser(stream).then(
          (parsed) => {
            const text = parsed.text ?? '';
            const link = /https?:\/\/\S+/.exec(text)?.[0];
            const kind = parsed.headers.get('x-mail-kind');
            this.received.push({
              from: parsed.from?.text ?? '',
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              subject: parsed.subject ?? '',
              text,
              html: typeof parsed.html === 'string' ? parsed.html : '',
              messageId: parsed.messageId ?? '',
              kind: typeof kind === 'string' ? kind : '',
              link,
              token: link ? (new URL(link).searchParams.get('token') ?? undefined) : undefined,
            });
            callback();
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Closes the port: connections are refused until `up()`. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The mails received for `address` so far, oldest first. */
  mailsTo(address: string): ReceivedMail[] {
    return this.received.filter((mail) => mail.to.includes(address));
  }

  /** Waits until `count` mails (of `kind`, when given) have arrived for `address`; returns them, oldest first. */
  async waitForMails(address: string, count: number, options: { kind?: string; timeoutMs?: number } = {}): Promise<ReceivedMail[]> {
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    for (;;) {
      const mails = this.mailsTo(address).filter((mail) => options.kind === undefined || mail.kind === options.kind);
      if (mails.length >= count) return mails;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} mail(s) to ${address}; got ${mails.length}`);
      await sleep(25);
    }
  }

  /** The latest mail of `kind` for `address`, waiting for the `nth` (1-based) to arrive. */
  async waitForMail(address: string, kind: string, nth = 1): Promise<ReceivedMail> {
    const mails = await this.waitForMails(address, nth, { kind });
    return mails[nth - 1] as ReceivedMail;
  }

  async stop(): Promise<void> {
    await this.down();
  }
}

/** Test settings that send mail by SMTP to `sink` (for `startTestServer({ config })`). */
export function mailThrough(sink: SmtpSink, overrides: Partial<ServerConfig['mail']> = {}): Pick<ServerConfig, 'mail'> {
  return { mail: { ...testConfig().mail, transport: 'smtp', smtpUrl: sink.url, ...overrides } };
}
