import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defaultPortalConfiguration, switchablePrices } from '../billing/portal-configurations';
import type { ProrationBehavior } from '../billing/prorations';
import {
  cancelSubscription,
  latestPeriodEnd,
  type SubscriptionChanges,
  updateSubscription,
} from '../billing/subscriptions';
import { atCustomerTime } from '../billing/test-clocks';
import type { EmulatorContext } from '../context';
import { StripeApiError } from '../errors';
import { changedAttributes, type EventOrigin } from '../events';
import { newId } from '../ids';
import { isParams, optionalString } from '../params';
import type { PortalConfiguration, PortalSession, Price, Subscription } from '../wire';
import { escapeHtml, formatDate, formatPrice, sendErrorPage, sendPage } from './html';

type SessionRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * The customer portal at a billing portal session's `url`. It offers what the session's
 * configuration enables (a plan switch among `features.subscription_update.products`, cancelling
 * by `features.subscription_cancel.mode`), goes straight to the session's `flow` if it has one,
 * and after a flow does what `flow.after_completion` says. Every change goes through the same
 * code as the API, so it sends the same events as `POST /v1/subscriptions/:id`.
 */
export function registerPortalPage(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{ Params: { id: string } }>('/p/session/:id', (request, reply) => {
    const session = ctx.store.portalSessions.get(request.params.id);
    if (!session) return sendErrorPage(reply, 404, 'This portal session does not exist.');
    const flowSubscription = openFlowSubscription(ctx, session);
    if (session.flow && flowSubscription !== undefined) {
      return sendPage(reply, 200, 'Manage your subscription', renderFlow(ctx, session, flowSubscription));
    }
    if (session.flow?.type === 'payment_method_update' && !ctx.store.completedPortalFlows.has(session.id)) {
      return sendPage(reply, 200, 'Update your payment method', renderPaymentMethodFlow(session));
    }
    return sendPage(reply, 200, 'Manage your subscription', renderHome(ctx, session));
  });

  app.get<{ Params: { id: string; subscription: string } }>(
    '/p/session/:id/subscriptions/:subscription/update',
    (request, reply) => {
      const session = ctx.store.portalSessions.get(request.params.id);
      if (!session) return sendErrorPage(reply, 404, 'This portal session does not exist.');
      const subscription = ownSubscription(ctx, session, request.params.subscription);
      if (!subscription) return sendErrorPage(reply, 404, 'This subscription does not exist.');
      return sendPage(reply, 200, 'Update your plan', renderPlanChoice(ctx, session, subscription));
    },
  );

  app.post<{ Params: { id: string } }>('/p/session/:id/update', (request, reply) => {
    const target = formTarget(ctx, request, reply);
    if (!target) return reply;
    const { session, subscription, form } = target;
    const configuration = configurationOf(ctx, session);
    const priceId = optionalString(form, 'price');
    const price = switchablePrices(ctx, configuration).find((candidate) => candidate.id === priceId);
    const [item, ...others] = subscription.items.data;
    if (!price || !item || others.length > 0 || subscription.status === 'canceled') {
      return sendErrorPage(reply, 400, 'This plan cannot be chosen for this subscription.');
    }
    if (item.price.id === price.id) return sendErrorPage(reply, 400, 'You are already on this plan.');
    return applyThenComplete(ctx, session, reply, () =>
      updateSubscription(
        ctx,
        subscription,
        {
          items: [{ kind: 'replace', itemId: item.id, price }],
          // Configurations only store values `applyConfigurationParams` accepted from PRORATION_BEHAVIORS.
          prorationBehavior: configuration.features.subscription_update.proration_behavior as ProrationBehavior,
        },
        pageOrigin(request),
      ),
    );
  });

  app.post<{ Params: { id: string } }>('/p/session/:id/cancel', (request, reply) => {
    const target = formTarget(ctx, request, reply);
    if (!target) return reply;
    const { session, subscription } = target;
    const cancel = configurationOf(ctx, session).features.subscription_cancel;
    if (!cancel.enabled) return sendErrorPage(reply, 400, 'Cancelling is not available here.');
    // Either billing mode's scheduled cancellation sets `cancel_at`.
    if (subscription.status === 'canceled' || subscription.cancel_at !== null) {
      return completeFlow(ctx, session, reply);
    }
    return applyThenComplete(ctx, session, reply, () =>
      cancel.mode === 'immediately'
        ? cancelSubscription(ctx, subscription, pageOrigin(request))
        : updateSubscription(ctx, subscription, portalCancellation(subscription), pageOrigin(request)),
    );
  });

  /**
   * Saving a card makes it the customer's default payment method (`invoice_settings.default_payment_method`,
   * `customer.updated`), which Stripe's next automatic retry of an open invoice charges. Stripe's
   * always-declining test card is refused, as Stripe's page refuses it.
   */
  app.post<{ Params: { id: string } }>('/p/session/:id/payment-method', (request, reply) => {
    const session = ctx.store.portalSessions.get(request.params.id);
    if (!session) return sendErrorPage(reply, 404, 'This portal session does not exist.');
    const form = isParams(request.body) ? request.body : {};
    const card = (optionalString(form, 'card') ?? '').replace(/\s/g, '');
    if (!/^\d{12,19}$/.test(card)) return sendErrorPage(reply, 400, 'Your card number is incomplete.');
    if (card === DECLINING_TEST_CARD) return sendErrorPage(reply, 402, 'Your card was declined.');
    saveDefaultPaymentMethod(ctx, session.customer, pageOrigin(request));
    return completeFlow(ctx, session, reply);
  });
}

/** https://docs.stripe.com/testing#declined-payments: "Generic decline". */
const DECLINING_TEST_CARD = '4000000000000002';

function saveDefaultPaymentMethod(ctx: EmulatorContext, customerId: string, origin: EventOrigin): void {
  const customer = ctx.store.customers.get(customerId);
  if (!customer) return;
  const before = structuredClone(customer);
  customer.invoice_settings.default_payment_method = newId('pm');
  ctx.store.decliningCustomers.delete(customer.id);
  ctx.events.emit('customer.updated', customer, origin, changedAttributes(before, customer));
}

function pageOrigin(request: FastifyRequest): EventOrigin {
  return { requestId: request.id, idempotencyKey: null };
}

function configurationOf(ctx: EmulatorContext, session: PortalSession): PortalConfiguration {
  const id = typeof session.configuration === 'string' ? session.configuration : session.configuration.id;
  return ctx.store.portalConfigurations.get(id) ?? defaultPortalConfiguration(ctx);
}

/** Only the session's own customer's subscriptions can be seen or touched from its pages. */
function ownSubscription(ctx: EmulatorContext, session: PortalSession, id: string | undefined) {
  const subscription = id ? ctx.store.subscriptions.get(id) : undefined;
  return subscription && subscription.customer === session.customer ? subscription : undefined;
}

function formTarget(ctx: EmulatorContext, request: SessionRequest, reply: FastifyReply) {
  const session = ctx.store.portalSessions.get(request.params.id);
  if (!session) {
    sendErrorPage(reply, 404, 'This portal session does not exist.');
    return undefined;
  }
  const form = isParams(request.body) ? request.body : {};
  const subscription = ownSubscription(ctx, session, optionalString(form, 'subscription'));
  if (!subscription) {
    sendErrorPage(reply, 404, 'This subscription does not exist.');
    return undefined;
  }
  return { session, subscription, form };
}

/** A refused change (a declined card, say) is shown on the page; nothing was applied. */
function applyThenComplete(ctx: EmulatorContext, session: PortalSession, reply: FastifyReply, apply: () => void) {
  try {
    atCustomerTime(ctx, session.customer, apply);
  } catch (error) {
    if (error instanceof StripeApiError) return sendErrorPage(reply, error.status, error.message);
    throw error;
  }
  return completeFlow(ctx, session, reply);
}

/** What `flow.after_completion` asks for; without a flow, back to the portal's home page. */
function completeFlow(ctx: EmulatorContext, session: PortalSession, reply: FastifyReply): FastifyReply {
  const home = `/p/session/${encodeURIComponent(session.id)}`;
  const after = session.flow?.after_completion;
  if (!session.flow || !after) return reply.redirect(home, 303);
  ctx.store.completedPortalFlows.add(session.id);
  if (after.type === 'redirect' && after.redirect) return reply.redirect(after.redirect.return_url, 303);
  if (after.type === 'hosted_confirmation') {
    const message = after.hosted_confirmation?.custom_message ?? 'Your changes have been saved.';
    return sendPage(reply, 200, 'Done', `<h1>Done</h1><p>${escapeHtml(message)}</p>${returnLink(session)}`);
  }
  return reply.redirect(home, 303);
}

/** The subscription of a flow the customer has not finished yet; `undefined` when there is none. */
function openFlowSubscription(ctx: EmulatorContext, session: PortalSession): Subscription | undefined {
  const flow = session.flow;
  if (!flow || ctx.store.completedPortalFlows.has(session.id)) return undefined;
  const id =
    flow.subscription_update?.subscription ??
    flow.subscription_update_confirm?.subscription ??
    flow.subscription_cancel?.subscription;
  return id ? ownSubscription(ctx, session, id) : undefined;
}

function renderFlow(ctx: EmulatorContext, session: PortalSession, subscription: Subscription): string {
  const flow = session.flow;
  if (flow?.subscription_update_confirm) {
    const priceId = flow.subscription_update_confirm.items[0]?.price;
    const price = priceId ? ctx.store.prices.get(priceId) : undefined;
    if (price) return renderConfirmation(ctx, session, subscription, price);
  }
  if (flow?.subscription_cancel) return renderCancelConfirmation(ctx, session, subscription);
  return renderPlanChoice(ctx, session, subscription);
}

function renderHome(ctx: EmulatorContext, session: PortalSession): string {
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
${returnLink(session)}`;
}

function returnLink(session: PortalSession): string {
  return session.return_url ? `<p><a href="${escapeHtml(session.return_url)}">Return</a></p>` : '';
}

function productName(ctx: EmulatorContext, price: Price): string {
  const productId = typeof price.product === 'string' ? price.product : price.product.id;
  return ctx.store.products.get(productId)?.name || 'Subscription';
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

function renderSubscription(ctx: EmulatorContext, session: PortalSession, subscription: Subscription): string {
  const configuration = configurationOf(ctx, session);
  const item = subscription.items.data[0];
  const name = item ? productName(ctx, item.price) : 'Subscription';
  const periodEnd = item?.current_period_end;
  const endsAt = subscription.cancel_at ?? (subscription.cancel_at_period_end ? periodEnd : undefined);
  const renewal = endsAt ? `Cancels on ${formatDate(endsAt)}` : periodEnd ? `Renews on ${formatDate(periodEnd)}` : '';
  const sessionPath = `/p/session/${encodeURIComponent(session.id)}`;
  const canSwitch =
    subscription.items.data.length === 1 &&
    switchablePrices(ctx, configuration).some((price) => price.id !== item?.price.id);
  const updateLink = canSwitch
    ? `<p><a href="${sessionPath}/subscriptions/${encodeURIComponent(subscription.id)}/update">Update plan</a></p>`
    : '';
  const cancelForm =
    configuration.features.subscription_cancel.enabled && !endsAt
      ? `<form method="post" action="${sessionPath}/cancel">
<input type="hidden" name="subscription" value="${escapeHtml(subscription.id)}">
<button type="submit">Cancel subscription</button>
</form>`
      : '';
  return `<li>
<h2>${escapeHtml(name)}</h2>
<p>${item ? escapeHtml(formatPrice(item.price, item.quantity ?? 1)) : ''} · Status: ${escapeHtml(subscription.status)}</p>
<p class="note">${escapeHtml(renewal)}</p>
${updateLink}
${cancelForm}
</li>`;
}

/** One radio button per price the configuration offers; the current one is marked and not selectable. */
function renderPlanChoice(ctx: EmulatorContext, session: PortalSession, subscription: Subscription): string {
  const current = subscription.items.data[0]?.price.id;
  const options = switchablePrices(ctx, configurationOf(ctx, session))
    .map((price) => {
      const label = `${productName(ctx, price)} — ${formatPrice(price)}`;
      const isCurrent = price.id === current;
      return `<li><label><input type="radio" name="price" value="${escapeHtml(price.id)}"${isCurrent ? ' disabled' : ''}> ${escapeHtml(label)}${isCurrent ? ' (current plan)' : ''}</label></li>`;
    })
    .join('');
  return `<h1>Update your plan</h1>
<form method="post" action="/p/session/${encodeURIComponent(session.id)}/update">
<input type="hidden" name="subscription" value="${escapeHtml(subscription.id)}">
<ul>${options}</ul>
<button type="submit">Continue</button>
</form>
${returnLink(session)}`;
}

function renderConfirmation(
  ctx: EmulatorContext,
  session: PortalSession,
  subscription: Subscription,
  price: Price,
): string {
  return `<h1>Confirm your new plan</h1>
<p>${escapeHtml(productName(ctx, price))} — ${escapeHtml(formatPrice(price))}</p>
<form method="post" action="/p/session/${encodeURIComponent(session.id)}/update">
<input type="hidden" name="subscription" value="${escapeHtml(subscription.id)}">
<input type="hidden" name="price" value="${escapeHtml(price.id)}">
<button type="submit">Confirm</button>
</form>
${returnLink(session)}`;
}

function renderCancelConfirmation(ctx: EmulatorContext, session: PortalSession, subscription: Subscription): string {
  const item = subscription.items.data[0];
  const mode = configurationOf(ctx, session).features.subscription_cancel.mode;
  const when =
    mode === 'immediately' || !item
      ? 'Your subscription will end now.'
      : `Your subscription will end on ${formatDate(item.current_period_end)}.`;
  return `<h1>Cancel your subscription</h1>
<p>${escapeHtml(when)}</p>
<form method="post" action="/p/session/${encodeURIComponent(session.id)}/cancel">
<input type="hidden" name="subscription" value="${escapeHtml(subscription.id)}">
<button type="submit">Cancel subscription</button>
</form>
${returnLink(session)}`;
}

function renderPaymentMethodFlow(session: PortalSession): string {
  return `<h1>Update your payment method</h1>
<form method="post" action="/p/session/${encodeURIComponent(session.id)}/payment-method">
<label>Card number <input name="card" value="4242 4242 4242 4242" autocomplete="cc-number"></label>
<button type="submit">Save</button>
</form>
${returnLink(session)}`;
}
