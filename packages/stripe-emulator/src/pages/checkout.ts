import type { FastifyInstance } from 'fastify';
import { asksForEmail, completeCheckoutSession, unpayableReason } from '../billing/checkout';
import { activeCodeNamed, assertRedeemable, couponOf, discountSession, sessionDiscount } from '../billing/promotions';
import { atCustomerTime } from '../billing/test-clocks';
import type { EmulatorContext } from '../context';
import { invalidRequest, StripeApiError } from '../errors';
import { promotionCouponId } from '../objects/coupon';
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
    const reason = atCustomerTime(ctx, session.customer, () => unpayableReason(ctx, session));
    if (reason) return sendErrorPage(reply, session.status === 'complete' ? 400 : 410, reason);
    return sendPage(reply, 200, `Pay ${productName(ctx, session)}`, renderCheckout(ctx, session));
  });

  // With `allow_promotion_codes`, the customer may type a code; a valid one discounts the session.
  app.post<{ Params: { id: string } }>('/c/pay/:id/promotion_code', (request, reply) => {
    const session = ctx.store.checkoutSessions.get(request.params.id);
    if (!session) return sendErrorPage(reply, 404, 'This checkout page does not exist.');
    const reason = unpayableReason(ctx, session);
    if (reason) return sendErrorPage(reply, session.status === 'complete' ? 400 : 410, reason);
    const typed = (isParams(request.body) ? optionalString(request.body, 'code') : undefined)?.trim() ?? '';
    const promotionCode = session.allow_promotion_codes ? activeCodeNamed(ctx, typed) : undefined;
    const discount = promotionCode
      ? { coupon: couponOf(ctx, promotionCouponId(promotionCode)), promotionCode }
      : undefined;
    try {
      if (!discount) throw invalidRequest('This code is invalid.');
      assertRedeemable(ctx, discount);
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      const page = renderCheckout(ctx, session, undefined, 'This code is invalid.');
      return sendPage(reply, 400, `Pay ${productName(ctx, session)}`, page);
    }
    discountSession(ctx, session, discount);
    return reply.redirect(`/c/pay/${encodeURIComponent(session.id)}`, 303);
  });

  app.post<{ Params: { id: string } }>('/c/pay/:id', (request, reply) => {
    const session = ctx.store.checkoutSessions.get(request.params.id);
    if (!session) return sendErrorPage(reply, 404, 'This checkout page does not exist.');
    const email = isParams(request.body) ? optionalString(request.body, 'email') : undefined;
    try {
      atCustomerTime(ctx, session.customer, () =>
        completeCheckoutSession(ctx, session, { requestId: request.id, idempotencyKey: null }, email || undefined),
      );
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      // A missing or malformed email: the same page again, saying what to fix.
      if (error.param === 'email') {
        return sendPage(reply, 400, `Pay ${productName(ctx, session)}`, renderCheckout(ctx, session, error.message));
      }
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

function renderCheckout(ctx: EmulatorContext, session: CheckoutSession, problem?: string, codeError?: string): string {
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
  const emailLine = asksForEmail(session)
    ? `${problem ? `<p class="error" role="alert">${escapeHtml(problem)}</p>` : ''}<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required>`
    : customerEmail
      ? `<p>Email: <strong>${escapeHtml(customerEmail)}</strong></p>`
      : '';

  const currency = session.currency ?? 'usd';
  const discounted = session.total_details?.amount_discount ?? 0;
  const promotionCode = sessionDiscount(ctx, session)?.promotionCode?.code;
  const discountLines = discounted
    ? `<p class="discount">Discount${promotionCode ? ` (${escapeHtml(promotionCode)})` : ''}: −${escapeHtml(formatAmount(discounted, currency))}</p>
<p class="total">Total due today: <strong>${escapeHtml(formatAmount(session.amount_total ?? 0, currency))}</strong></p>`
    : '';
  const codeForm =
    session.allow_promotion_codes && !discounted
      ? `<form method="post" action="/c/pay/${encodeURIComponent(session.id)}/promotion_code">
<label for="promotion-code">Promotion code</label><input id="promotion-code" name="code" autocomplete="off" required>
${codeError ? `<p class="error" role="alert">${escapeHtml(codeError)}</p>` : ''}
<div class="actions"><button type="submit">Apply</button></div>
</form>`
      : '';

  return `<h1>${escapeHtml(productName(ctx, session))}</h1>
<p class="amount">${escapeHtml(headline)}</p>
${trialDays ? `<p class="note">${trialDays}-day free trial, then ${escapeHtml(headline)}.</p>` : ''}
${collectsCard ? '' : '<p class="note" data-testid="no-card">No card needed to start the trial.</p>'}
${items.length > 1 ? `<ul>${lines.join('')}</ul><p>Total: ${escapeHtml(formatAmount(session.amount_total ?? 0, currency))}</p>` : ''}
${discountLines}
${codeForm}
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
