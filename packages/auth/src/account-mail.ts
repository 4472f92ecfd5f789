import type { Context, MailMessage } from '@subkit/core';

export type MailContext = Pick<Context, 'mailer' | 'settings' | 'request'>;

/** The link a mail carries: a page of the web app, with the token in its query. */
export function appLink({ settings }: Pick<Context, 'settings'>, path: string, token: string): string {
  const url = new URL(path, settings.auth.appUrl);
  url.searchParams.set('token', token);
  return url.href;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

function linkMail(to: string, subject: string, lines: { before: string; link: string; after: string }): MailMessage {
  const link = escapeHtml(lines.link);
  return {
    to,
    subject,
    text: `${lines.before}\n\n${lines.link}\n\n${lines.after}\n`,
    html: `<p>${escapeHtml(lines.before)}</p><p><a href="${link}">${link}</a></p><p>${escapeHtml(lines.after)}</p>`,
  };
}

export function passwordResetMail(to: string, link: string): MailMessage {
  return linkMail(to, 'Reset your password', {
    before:
      'Someone, hopefully you, asked to reset the password of your account. Open this link within an hour to choose a new one:',
    link,
    after: 'If it was not you, ignore this mail: your password stays as it is.',
  });
}

export function verificationMail(to: string, link: string): MailMessage {
  return linkMail(to, 'Confirm your email address', {
    before: 'Open this link within two days to confirm that this address is yours:',
    link,
    after: 'If you did not create an account, ignore this mail.',
  });
}

/**
 * Hands the mail to the mailer without waiting for it. A password-reset request must answer in the
 * same time whether or not the account exists (OWASP Forgot Password Cheat Sheet), and an SMTP
 * round trip would tell them apart; sign-up must not fail because a mail server is slow. A mail
 * that cannot be sent is logged; the person can ask again.
 */
export function sendInBackground({ mailer, request }: MailContext, message: MailMessage): void {
  mailer.sendMail(message).catch((error: unknown) => {
    request.log.error({ err: error, subject: message.subject }, 'an account mail could not be sent');
  });
}
