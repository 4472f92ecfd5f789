import type { Mailer } from '@subkit/core';
import { type Database, mailOutbox } from '@subkit/db';

/**
 * Without SMTP_URL, mail is written to the `mail_outbox` table instead of being sent: every server
 * process writes to the same place, and /dev/outbox reads it from there.
 */
export function createOutboxMailer(db: Database): Mailer {
  return {
    async sendMail({ to, subject, text, html }) {
      await db.insert(mailOutbox).values({ to, subject, text, html });
    },
  };
}
