import type { EmulatorContext } from '../context';
import { newId } from '../ids';
import { buildInvoice, periodLine } from '../objects/invoice';
import { addInterval } from '../objects/price';
import type { Invoice, Subscription, SubscriptionItem } from '../wire';
import { customerOf } from './invoicing';
import { liveDiscounts } from './promotions';
import { type ProrationBehavior, planItemChanges } from './prorations';
import { currentPeriodEnd, type ItemChange } from './subscriptions';

export interface PreviewDetails {
  items: ItemChange[];
  /** Stripe's `subscription_details[proration_date]`; default now. */
  prorationDate?: number;
  prorationBehavior?: ProrationBehavior;
}

/** The items as they will be billed from `at`: the schedule's phase starting then, if any. */
function itemsFrom(ctx: EmulatorContext, subscription: Subscription, items: SubscriptionItem[], at: number) {
  const scheduleId = subscription.schedule;
  const schedule = scheduleId
    ? ctx.store.subscriptionSchedules.get(typeof scheduleId === 'string' ? scheduleId : scheduleId.id)
    : undefined;
  const phase =
    schedule?.status === 'active' ? schedule.phases.find((candidate) => candidate.start_date === at) : undefined;
  return items.map((item, index) => {
    const wanted = phase?.items[index];
    const price = wanted
      ? ctx.store.prices.get(typeof wanted.price === 'string' ? wanted.price : wanted.price.id)
      : undefined;
    const next = structuredClone(item);
    if (price && wanted) {
      next.price = price;
      next.quantity = wanted.quantity ?? 1;
    }
    if (next.price.recurring) {
      next.current_period_start = at;
      next.current_period_end = addInterval(at, next.price.recurring);
    }
    return next;
  });
}

/**
 * `POST /v1/invoices/create_preview` for a subscription, with the changes in
 * `subscription_details` applied hypothetically (https://docs.stripe.com/api/invoices/create_preview).
 * A change that is invoiced at once (`always_invoice`, or a new billing interval) previews that
 * invoice; otherwise the preview is the next invoice at the period end, prorations included. Nothing
 * is stored: the id has Stripe's `upcoming_in_` prefix and cannot be retrieved.
 */
export function previewInvoice(ctx: EmulatorContext, subscription: Subscription, details: PreviewDetails): Invoice {
  const now = ctx.clock.now();
  const at = details.prorationDate ?? now;
  const behavior = details.prorationBehavior ?? 'create_prorations';
  const plan = planItemChanges(ctx, subscription, details.items, at, behavior);
  const pending = ctx.store.pendingProrations.get(subscription.id) ?? [];
  const invoicesNow = plan.resetsCycle || (behavior === 'always_invoice' && plan.prorations.length > 0);
  const common = { customer: customerOf(ctx, subscription), subscription, free: false, id: newId('upcoming_in') };
  const invoice = invoicesNow
    ? buildInvoice({
        ...common,
        billingReason: 'subscription_update',
        created: at,
        period: { start: at, end: at },
        lines: [...pending, ...plan.prorations, ...plan.newPeriodLines],
        discounts: liveDiscounts(ctx, subscription, at),
      })
    : (() => {
        const end = currentPeriodEnd(subscription);
        const prorations = behavior === 'create_prorations' ? plan.prorations : [];
        const nextPeriod = itemsFrom(ctx, subscription, plan.items, end).map((item) => periodLine(item, false));
        return buildInvoice({
          ...common,
          billingReason: 'upcoming',
          created: end,
          period: { start: subscription.items.data[0]?.current_period_start ?? end, end },
          lines: [...pending, ...prorations, ...nextPeriod],
          discounts: liveDiscounts(ctx, subscription, end),
        });
      })();
  if (details.prorationDate !== undefined && invoice.parent?.subscription_details) {
    invoice.parent.subscription_details.subscription_proration_date = at;
  }
  return invoice;
}
