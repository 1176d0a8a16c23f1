import type { MailConfig } from '@app/server-config';
import type { ClaimedMail } from '@app/server-data-access';
import { createTransport } from 'nodemailer';
import type { Logger } from 'pino';

/** Where a claimed mail goes: an SMTP relay, or the log. Throws when the mail was not accepted. */
export interface MailTransport {
  send(mail: ClaimedMail): Promise<void>;
  close(): void;
}

/**
 * Give up on one attempt well inside the outbox's lease (see mail-worker.ts), so a slow relay
 * never lets a second worker claim a mail that is still being sent.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000, dnsTimeout: 10_000 } as const;

/**
 * Sends through the relay in SMTP_URL (credentials and TLS from the URL: smtps:// is TLS from the
 * start, smtp:// upgrades with STARTTLS when the relay offers it).
 * @see https://nodemailer.com/smtp/
 */
export class SmtpMailTransport implements MailTransport {
  private readonly transporter;

  constructor(smtpUrl: string, from: string) {
    this.transporter = createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS }, { from });
  }

  async send(mail: ClaimedMail): Promise<void> {
    await this.transporter.sendMail({
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      // One Message-ID per outbox row: a relay or client that deduplicates sees a retry as the same mail.
      messageId: `<${mail.id}@outbox.authstack>`,
      headers: { 'X-Mail-Kind': mail.kind },
    });
  }

  close(): void {
    this.transporter.close();
  }
}

/**
 * Writes each mail as one log line. Outside production the line carries the link, so whoever
 * runs the server can open it; in production (`logLinks` false) only the recipient and kind.
 */
export class LogMailTransport implements MailTransport {
  constructor(
    private readonly logger: Logger,
    private readonly logLinks: boolean,
  ) {}

  async send(mail: ClaimedMail): Promise<void> {
    if (this.logLinks) {
      this.logger.info({ mail: { id: mail.id, kind: mail.kind, to: mail.to } }, `mail to ${mail.to}: ${mail.subject} ${mail.link ?? ''}`.trimEnd());
    } else {
      this.logger.info({ mail: { id: mail.id, kind: mail.kind, to: mail.to } }, `mail to ${mail.to} (${mail.kind}) logged, not sent: MAIL_TRANSPORT=log`);
    }
  }

  close(): void {
    // Nothing to release.
  }
}

export function createMailTransport(config: MailConfig, logger: Logger): MailTransport {
  if (config.transport === 'smtp' && config.smtpUrl) return new SmtpMailTransport(config.smtpUrl, config.from);
  return new LogMailTransport(logger, config.logLinks);
}
