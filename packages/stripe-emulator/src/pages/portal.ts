import type { FastifyInstance } from 'fastify';
import { latestPeriodEnd, type SubscriptionChanges, updateSubscription } from '../billing/subscriptions';
import type { EmulatorContext } from '../context';
import { isParams, optionalString } from '../params';
import type { PortalSession, Subscription } from '../wire';
import { escapeHtml, formatDate, formatPrice, sendErrorPage, sendPage } from './html';

/** The customer portal at a billing portal session's `url`: list subscriptions, cancel at period end, return. */
export function registerPortalPage(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { id: string } }>('/p/session/:id', (request, reply) => {
    const session = ctx.store.portalSessions.get(request.params.id);
    if (!session) return sendErrorPage(reply, 404, 'This portal session does not exist.');
    return sendPage(reply, 200, 'Manage your subscription', renderPortal(ctx, session));
  });

  app.post<{ Params: { id: string } }>('/p/session/:id/cancel', (request, reply) => {
    const session = ctx.store.portalSessions.get(request.params.id);
    if (!session) return sendErrorPage(reply, 404, 'This portal session does not exist.');
    const subscriptionId = isParams(request.body) ? optionalString(request.body, 'subscription') : undefined;
    const subscription = subscriptionId ? ctx.store.subscriptions.get(subscriptionId) : undefined;
    // Only the session's own customer's subscriptions can be touched from here.
    if (!subscription || subscription.customer !== session.customer) {
      return sendErrorPage(reply, 404, 'This subscription does not exist.');
    }
    if (subscription.status !== 'canceled' && subscription.cancel_at === null) {
      updateSubscription(ctx, subscription, portalCancellation(subscription), {
        requestId: request.id,
        idempotencyKey: null,
      });
    }
    return reply.redirect(`/p/session/${encodeURIComponent(session.id)}`, 303);
  });
}

/**
 * "Cancel at the end of the billing period", as the portal records it in each billing mode
 * (https://docs.stripe.com/billing/subscriptions/billing-mode/compare, scheduled cancellation):
 * classic sets `cancel_at_period_end`; flexible sets `cancel_at` to the latest item period end
 * and leaves `cancel_at_period_end` false.
 */
function portalCancellation(subscription: Subscription): SubscriptionChanges {
  return subscription.billing_mode.type === 'flexible'
    ? { cancelAt: latestPeriodEnd(subscription), items: [] }
    : { cancelAtPeriodEnd: true, items: [] };
}

function renderPortal(ctx: EmulatorContext, session: PortalSession): string {
  const customer = ctx.store.customers.get(session.customer);
  const subscriptions = ctx.store.subscriptions
    .newestFirst()
    .filter((subscription) => subscription.customer === session.customer && subscription.status !== 'canceled');
  const list =
    subscriptions.length === 0
      ? '<p>You have no active subscriptions.</p>'
      : `<ul>${subscriptions.map((subscription) => renderSubscription(ctx, session, subscription)).join('')}</ul>`;
  return `<h1>Your subscriptions</h1>
${customer?.email ? `<p>Signed in as <strong>${escapeHtml(customer.email)}</strong></p>` : ''}
${list}
${session.return_url ? `<p><a href="${escapeHtml(session.return_url)}">Return</a></p>` : ''}`;
}

function renderSubscription(ctx: EmulatorContext, session: PortalSession, subscription: Subscription): string {
  const item = subscription.items.data[0];
  const productId = item && typeof item.price.product === 'string' ? item.price.product : undefined;
  const name = (productId && ctx.store.products.get(productId)?.name) || 'Subscription';
  const periodEnd = item?.current_period_end;
  // Either mode's scheduled cancellation has a `cancel_at`.
  const endsAt = subscription.cancel_at;
  const renewal =
    endsAt !== null ? `Cancels on ${formatDate(endsAt)}` : periodEnd ? `Renews on ${formatDate(periodEnd)}` : '';
  const cancelForm =
    endsAt !== null
      ? ''
      : `<form method="post" action="/p/session/${encodeURIComponent(session.id)}/cancel">
<input type="hidden" name="subscription" value="${escapeHtml(subscription.id)}">
<button type="submit">Cancel subscription</button>
</form>`;
  return `<li>
<h2>${escapeHtml(name)}</h2>
<p>${item ? escapeHtml(formatPrice(item.price, item.quantity ?? 1)) : ''} · Status: ${escapeHtml(subscription.status)}</p>
<p class="note">${escapeHtml(renewal)}</p>
${cancelForm}
</li>`;
}
