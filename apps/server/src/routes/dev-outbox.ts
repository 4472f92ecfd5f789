import { mailOutbox, type OutboxMail } from '@subkit/db';
import { desc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';

/** The newest mails shown; the outbox is for reading what was just sent. */
const SHOWN = 50;

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
const LINK = /https?:\/\/[^\s<>"]+/g;

/** A mail's text with its links made clickable (the text is what every mail has). */
function textWithLinks(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    html += escapeHtml(text.slice(last, match.index));
    html += `<a href="${escapeHtml(match[0])}">${escapeHtml(match[0])}</a>`;
    last = match.index + match[0].length;
  }
  return html + escapeHtml(text.slice(last));
}

function page(mails: OutboxMail[]): string {
  const items = mails.map(
    (mail) => `<article>
  <h2>${escapeHtml(mail.subject)}</h2>
  <p>To <strong>${escapeHtml(mail.to)}</strong>, <time datetime="${mail.createdAt.toISOString()}">${mail.createdAt.toISOString()}</time></p>
  <pre>${textWithLinks(mail.text)}</pre>
</article>`,
  );
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Outbox</title></head>
<body>
<main>
<h1>Outbox</h1>
<p>No SMTP_URL is set, so the server keeps the mail it would have sent here (newest first; JSON at <a href="/dev/outbox.json">/dev/outbox.json</a>).</p>
${items.length > 0 ? items.join('\n') : '<p>No mail yet.</p>'}
</main>
</body>
</html>`;
}

/**
 * GET /dev/outbox (a page) and /dev/outbox.json: the mail the server would have sent, for a
 * developer to open its links. Registered only without SMTP_URL and outside production (app.ts),
 * as anyone who can reach it can open anyone's reset link. `?to=` keeps one recipient's mail.
 */
export default async function devOutbox(app: FastifyInstance) {
  const newestMail = (to: string | undefined) =>
    app.services.db
      .select()
      .from(mailOutbox)
      .where(to === undefined ? undefined : eq(mailOutbox.to, to.toLowerCase()))
      .orderBy(desc(mailOutbox.createdAt))
      .limit(SHOWN);
  const recipient = (query: unknown) => {
    const { to } = query as { to?: unknown };
    return typeof to === 'string' ? to : undefined;
  };

  app.get('/dev/outbox', async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(page(await newestMail(recipient(request.query)))),
  );
  app.get('/dev/outbox.json', async (request) => ({ messages: await newestMail(recipient(request.query)) }));
}
