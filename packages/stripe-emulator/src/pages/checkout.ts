import type { FastifyInstance } from 'fastify';
import { completeCheckoutSession, unpayableReason } from '../billing/checkout';
import type { EmulatorContext } from '../context';
import { StripeApiError } from '../errors';
import { isParams, optionalString } from '../params';
import type { CheckoutSession } from '../wire';
import { escapeHtml, formatAmount, formatPrice, sendErrorPage, sendPage } from './html';

/**
 * The hosted checkout page at `/c/pay/:id` (the path Stripe uses). Plain HTML
 * forms, so it works with JavaScript disabled and in any browser automation.
 */
export function registerCheckoutPage(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { id: string } }>('/c/pay/:id', (request, reply) => {
    const session = ctx.store.checkoutSessions.get(request.params.id);
    if (!session) return sendErrorPage(reply, 404, 'This checkout page does not exist.');
    const reason = unpayableReason(ctx, session);
    if (reason) return sendErrorPage(reply, session.status === 'complete' ? 400 : 410, reason);
    return sendPage(reply, 200, `Pay ${productName(ctx, session)}`, renderCheckout(ctx, session));
  });

  app.post<{ Params: { id: string } }>('/c/pay/:id', (request, reply) => {
    const session = ctx.store.checkoutSessions.get(request.params.id);
    if (!session) return sendErrorPage(reply, 404, 'This checkout page does not exist.');
    const email = isParams(request.body) ? optionalString(request.body, 'email') : undefined;
    try {
      completeCheckoutSession(ctx, session, { requestId: request.id, idempotencyKey: null }, email || undefined);
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      return sendErrorPage(reply, session.status === 'complete' ? 400 : 410, error.message);
    }
    if (!session.success_url)
      return sendPage(reply, 200, 'Payment complete', '<h1>Payment complete</h1><p>You can close this page.</p>');
    return reply.redirect(session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', session.id), 303);
  });
}

function productName(ctx: EmulatorContext, session: CheckoutSession): string {
  const product = ctx.store.checkoutLineItems.get(session.id)?.[0]?.description;
  return product ?? 'your order';
}

function renderCheckout(ctx: EmulatorContext, session: CheckoutSession): string {
  const items = ctx.store.checkoutLineItems.get(session.id) ?? [];
  const trialDays =
    ctx.store.checkoutSubscriptionData.get(session.id)?.trialPeriodDays ??
    items[0]?.price?.recurring?.trial_period_days;
  // Checkout asks for no card when `payment_method_collection=if_required` and nothing is due today.
  const collectsCard = session.payment_method_collection !== 'if_required' || !trialDays;
  const lines = items.map((item) => {
    const quantity = item.quantity ?? 1;
    const price = item.price ? formatPrice(item.price, quantity) : formatAmount(item.amount_total, item.currency);
    return `<li>${escapeHtml(item.description ?? 'Item')}${quantity > 1 ? ` × ${quantity}` : ''} — ${escapeHtml(price)}</li>`;
  });
  const first = items[0];
  const headline = first?.price
    ? formatPrice(first.price, first.quantity ?? 1)
    : formatAmount(session.amount_total ?? 0, session.currency ?? 'usd');
  const customerEmail = session.customer_email ?? customerEmailOf(ctx, session);
  const emailLine = customerEmail
    ? `<p>Email: <strong>${escapeHtml(customerEmail)}</strong></p>`
    : '<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required>';

  return `<h1>${escapeHtml(productName(ctx, session))}</h1>
<p class="amount">${escapeHtml(headline)}</p>
${trialDays ? `<p class="note">${trialDays}-day free trial, then ${escapeHtml(headline)}.</p>` : ''}
${collectsCard ? '' : '<p class="note" data-testid="no-card">No card needed to start the trial.</p>'}
${items.length > 1 ? `<ul>${lines.join('')}</ul><p>Total: ${escapeHtml(formatAmount(session.amount_total ?? 0, session.currency ?? 'usd'))}</p>` : ''}
<form method="post" action="/c/pay/${encodeURIComponent(session.id)}">
${emailLine}
<div class="actions">
<button type="submit">${trialDays ? 'Start trial' : 'Pay'}</button>
${session.cancel_url ? `<a href="${escapeHtml(session.cancel_url)}">Cancel</a>` : ''}
</div>
</form>`;
}

function customerEmailOf(ctx: EmulatorContext, session: CheckoutSession): string | null {
  return typeof session.customer === 'string' ? (ctx.store.customers.get(session.customer)?.email ?? null) : null;
}
