import type { OutgoingMail } from '@app/server-data-access';
import ms from 'ms';

/** The kinds of mail the server sends (the outbox's `kind`, and the X-Mail-Kind header). */
export const MailKind = { passwordReset: 'password_reset', emailVerification: 'email_verification' } as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Plain text plus the same words in HTML, the link as a button-like anchor. */
function compose(kind: string, to: string, subject: string, paragraphs: { before: string[]; after: string[] }, link: string): OutgoingMail {
  const text = [...paragraphs.before, link, ...paragraphs.after].join('\n\n');
  const p = (line: string) => `<p>${escapeHtml(line)}</p>`;
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">',
    ...paragraphs.before.map(p),
    `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`,
    ...paragraphs.after.map(p),
    '</body></html>',
  ].join('\n');
  return { kind, to, subject, text, html, link };
}

/** `<appUrl>/<path>?token=<token>`; the token is base64url, so it needs no escaping. */
export function linkTo(appUrl: string, path: 'reset-password' | 'verify-email', token: string): string {
  return `${appUrl}/${path}?token=${token}`;
}

export function passwordResetMail(to: string, link: string, ttlMs: number): OutgoingMail {
  return compose(
    MailKind.passwordReset,
    to,
    'Reset your password',
    {
      before: [`Someone asked to reset the password of the account for ${to}.`, `To choose a new password, open this link within ${ms(ttlMs, { long: true })} (it works once):`],
      after: ['Every device signed in to the account will be signed out.', 'If you did not ask for this, ignore this mail: your password stays as it is.'],
    },
    link,
  );
}

export function verificationMail(to: string, link: string, ttlMs: number): OutgoingMail {
  return compose(
    MailKind.emailVerification,
    to,
    'Verify your email address',
    {
      before: [`Confirm that ${to} is your address by opening this link within ${ms(ttlMs, { long: true })}:`],
      after: ['If you did not create an account, ignore this mail.'],
    },
    link,
  );
}
