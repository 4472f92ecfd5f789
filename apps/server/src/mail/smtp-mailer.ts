import type { Mailer } from '@subkit/core';
import { createTransport } from 'nodemailer';

export interface ClosableMailer extends Mailer {
  close(): void;
}

/**
 * Sends through the SMTP server of SMTP_URL with nodemailer, which reads the URL's scheme
 * (smtps: TLS from the start; smtp: STARTTLS when offered), credentials and port. A pooled
 * transport keeps a few connections open instead of a handshake per mail.
 */
export function createSmtpMailer({ url, from }: { url: string; from: string }): ClosableMailer {
  const transport = createTransport(url, { from });
  return {
    async sendMail(message) {
      await transport.sendMail(message);
    },
    close: () => transport.close(),
  };
}
