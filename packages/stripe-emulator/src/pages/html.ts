import type { FastifyReply } from 'fastify';
import type { Price } from '../wire';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A complete, self-contained page: no scripts, no external assets, readable without CSS. */
export function renderPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>
  body { font: 16px/1.5 system-ui, sans-serif; color: #1a1f36; background: #f6f9fc; margin: 0; }
  main { max-width: 28rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 8px; box-shadow: 0 2px 8px rgb(0 0 0 / 0.08); }
  h1 { font-size: 1.5rem; margin: 0 0 0.5rem; }
  .amount { font-size: 2rem; font-weight: 600; margin: 0 0 1rem; }
  .note { color: #4f566b; }
  button { font: inherit; font-weight: 600; color: #fff; background: #635bff; border: 0; border-radius: 6px; padding: 0.75rem 1.5rem; cursor: pointer; }
  button:focus-visible, a:focus-visible, input:focus-visible { outline: 3px solid #a5b4fc; outline-offset: 2px; }
  input { font: inherit; padding: 0.5rem; width: 100%; box-sizing: border-box; margin: 0.25rem 0 1rem; }
  ul { list-style: none; padding: 0; }
  li { border-top: 1px solid #e3e8ee; padding: 1rem 0; }
  .actions { display: flex; gap: 1rem; align-items: center; margin-top: 1rem; }
  .banner { font-size: 0.8rem; color: #4f566b; text-align: center; margin-top: 1rem; }
</style>
</head>
<body>
<main>
${body}
<p class="banner">Stripe emulator — test mode, no real payment is made.</p>
</main>
</body>
</html>
`;
}

export function sendPage(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(renderPage(title, body));
}

export function sendErrorPage(reply: FastifyReply, status: number, message: string): FastifyReply {
  return sendPage(reply, status, message, `<h1>${escapeHtml(message)}</h1>`);
}

/** `2900` usd → `$29.00`; zero-decimal currencies such as JPY are not divided. */
export function formatAmount(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

/** `$29.00 / month`, `$290.00 / year`, `$10.00 / 3 months`, or just `$49.00` for one-time prices. */
export function formatPrice(price: Price, quantity = 1): string {
  const amount = formatAmount((price.unit_amount ?? 0) * quantity, price.currency);
  const recurring = price.recurring;
  if (!recurring) return amount;
  const every =
    recurring.interval_count === 1 ? recurring.interval : `${recurring.interval_count} ${recurring.interval}s`;
  return `${amount} / ${every}`;
}

export function formatDate(timestamp: number): string {
  return new Date(timestamp * 1000).toLocaleDateString('en-US', {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  });
}
