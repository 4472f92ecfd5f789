/** One mail, in both forms: clients that show no HTML read the text. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Sends mail for the features (account links today). The server picks the implementation: SMTP
 * when one is configured, otherwise an outbox a developer reads; features never know which.
 */
export interface Mailer {
  sendMail(message: MailMessage): Promise<void>;
}
