import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users';

export type AccountTokenPurpose = 'password_reset' | 'email_verification';

/**
 * Single-use tokens mailed to a person (a password reset or an email verification link). As with
 * sessions, only the SHA-256 of the token is stored, so a leaked table opens no account; using a
 * token deletes its row, and housekeeping deletes the expired ones.
 */
export const accountTokens = pgTable(
  'account_tokens',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose').$type<AccountTokenPurpose>().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('account_tokens_user_id_idx').on(table.userId),
    index('account_tokens_expires_at_idx').on(table.expiresAt),
  ],
);

/**
 * Mail the server would have sent, when no SMTP server is configured: the development outbox page
 * lists it. In the database rather than in memory so that every server process writes to, and the
 * page reads from, the same place, and a restart loses nothing.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('mail_outbox_created_at_idx').on(table.createdAt)],
);

export type AccountToken = typeof accountTokens.$inferSelect;
export type OutboxMail = typeof mailOutbox.$inferSelect;
