import type { EmulatorContext } from '../context';
import { invalidParam } from '../errors';
import type { ProrationDiscounts } from '../objects/billing-mode';
import type { AppliedCoupon } from '../objects/coupon';
import { type LineDiscountAmount, type LineSpec, periodLine } from '../objects/invoice';
import { addInterval, planFromPrice } from '../objects/price';
import type { Price, Subscription, SubscriptionItem } from '../wire';
import { liveDiscounts } from './promotions';
import type { ItemChange } from './subscriptions';

/** `proration_behavior` on subscription updates, schedule updates and invoice previews. */
export type ProrationBehavior = 'create_prorations' | 'always_invoice' | 'none';
export const PRORATION_BEHAVIORS: readonly ProrationBehavior[] = ['create_prorations', 'always_invoice', 'none'];

/** What a change of items costs, worked out without touching the subscription. */
export interface PlannedChange {
  /** The subscription's items after the change (copies; the subscription itself is unchanged). */
  items: SubscriptionItem[];
  /** Credit for unused time on the old prices, charge for the remaining time on the new ones. */
  prorations: LineSpec[];
  /**
   * A price with another billing interval restarts the billing cycle at the change (Stripe resets
   * `billing_cycle_anchor` to now), so the new period is invoiced at once; not during a trial.
   */
  resetsCycle: boolean;
  /** The regular lines of the new period when the cycle restarts; empty otherwise. */
  newPeriodLines: LineSpec[];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "01 Sep 2020", the date form of Stripe's proration descriptions. */
function stripeDate(seconds: number): string {
  const date = new Date(seconds * 1000);
  return `${String(date.getUTCDate()).padStart(2, '0')} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

function productName(ctx: EmulatorContext, price: Price): string {
  const id = typeof price.product === 'string' ? price.product : price.product.id;
  return ctx.store.products.get(id)?.name ?? id;
}

const sameInterval = (a: Price, b: Price) =>
  a.recurring?.interval === b.recurring?.interval && a.recurring?.interval_count === b.recurring?.interval_count;

/** The part of the item's current period left after `at`, to the second. */
function remainingFraction(item: SubscriptionItem, at: number): number {
  const start = item.current_period_start;
  const end = item.current_period_end;
  return end > start ? Math.min(1, Math.max(0, (end - at) / (end - start))) : 0;
}

/**
 * Whose discounts a proration carries, and how it shows them. Stripe prorates at the discounted
 * price: the subscription's discounts live at the proration date take their share of each proration
 * (https://docs.stripe.com/changelog/clover/2025-09-30/itemize-proration-discount-amounts). Under
 * `billing_mode.flexible.proration_discounts: included`, the default, and in classic mode, which
 * predates the choice, the line's `amount` is already net and its `discount_amounts` name each
 * discount at 0; under `itemized` the amount is gross and `discount_amounts` carry what each took.
 */
interface ProrationDiscounting {
  discounts: readonly AppliedCoupon[];
  mode: ProrationDiscounts;
  currency: string;
}

function prorationDiscounting(ctx: EmulatorContext, subscription: Subscription, at: number): ProrationDiscounting {
  const mode = subscription.billing_mode.flexible?.proration_discounts === 'itemized' ? 'itemized' : 'included';
  return { discounts: liveDiscounts(ctx, subscription, at), mode, currency: subscription.currency };
}

/**
 * A proration of `gross` (negative for a credit) covering `fraction` of a period, with the
 * discounts stacked as on a regular line: `percent_off` of what is left, `amount_off` for the same
 * fraction of the period (never more than is left).
 */
function discountedProration(
  discounting: ProrationDiscounting,
  gross: number,
  fraction: number,
): Pick<LineSpec, 'amount' | 'discountAmounts'> {
  const sign = gross < 0 ? -1 : 1;
  let left = Math.abs(gross);
  const taken: LineDiscountAmount[] = discounting.discounts.map(({ discount, coupon }) => {
    const off =
      coupon.percent_off !== null
        ? Math.round((left * coupon.percent_off) / 100)
        : coupon.amount_off !== null && coupon.currency === discounting.currency
          ? Math.min(left, Math.round(coupon.amount_off * fraction))
          : 0;
    left -= off;
    return { amount: sign * off || 0, discount: discount.id };
  });
  return discounting.mode === 'itemized'
    ? { amount: gross, discountAmounts: taken }
    : { amount: sign * left || 0, discountAmounts: taken.map(({ discount }) => ({ amount: 0, discount })) };
}

/**
 * Stripe's proration for one item changed at `at`, to the second: the unused part of the period
 * at the old price and quantity is credited, the same part at the new ones is charged
 * (https://docs.stripe.com/billing/subscriptions/prorations). Each amount is rounded on its own.
 */
function prorate(
  ctx: EmulatorContext,
  discounting: ProrationDiscounting,
  before: SubscriptionItem,
  after: SubscriptionItem,
  at: number,
): LineSpec[] {
  const fraction = remainingFraction(before, at);
  const lines: LineSpec[] = [creditLine(ctx, discounting, before, at)];
  // With a new interval the remaining time is not charged: a whole new period starts now instead.
  if (sameInterval(before.price, after.price)) {
    const newQuantity = after.quantity ?? 1;
    lines.push({
      itemId: after.id,
      price: after.price,
      quantity: newQuantity,
      ...discountedProration(
        discounting,
        Math.round((after.price.unit_amount ?? 0) * newQuantity * fraction),
        fraction,
      ),
      period: { start: at, end: before.current_period_end },
      proration: true,
      description: `Remaining time on ${productName(ctx, after.price)} after ${stripeDate(at)}`,
    });
  }
  return lines;
}

function creditLine(
  ctx: EmulatorContext,
  discounting: ProrationDiscounting,
  item: SubscriptionItem,
  at: number,
): LineSpec {
  const fraction = remainingFraction(item, at);
  const quantity = item.quantity ?? 1;
  return {
    itemId: item.id,
    price: item.price,
    quantity,
    ...discountedProration(discounting, -Math.round((item.price.unit_amount ?? 0) * quantity * fraction), fraction),
    period: { start: at, end: item.current_period_end },
    proration: true,
    description: `Unused time on ${productName(ctx, item.price)} after ${stripeDate(at)}`,
  };
}

/** The credit for an item's paid time from `at` to the end of its period, as a proration line. */
export function unusedTimeCredit(
  ctx: EmulatorContext,
  subscription: Subscription,
  item: SubscriptionItem,
  at: number,
): LineSpec {
  return creditLine(ctx, prorationDiscounting(ctx, subscription, at), item, at);
}

/** Applies `items[]` changes to copies of the subscription's items and prices the change at `at`. */
export function planItemChanges(
  ctx: EmulatorContext,
  subscription: Subscription,
  changes: readonly ItemChange[],
  at: number,
  behavior: ProrationBehavior,
): PlannedChange {
  const before = subscription.items.data;
  const items = structuredClone(before);
  for (const change of changes) {
    if (change.kind === 'delete') {
      const index = items.findIndex((item) => item.id === change.itemId);
      if (index >= 0) items.splice(index, 1);
    } else if (change.kind === 'replace') {
      const item = items.find((candidate) => candidate.id === change.itemId);
      if (!item) throw new Error(`Item ${change.itemId} was validated but is gone.`);
      if (change.price) {
        item.price = change.price;
        item.plan = planFromPrice(change.price);
      }
      if (change.quantity !== undefined) item.quantity = change.quantity;
    }
  }
  // A trial keeps its end whatever the price: the new interval starts when the trial does end.
  const resetsCycle =
    subscription.status !== 'trialing' &&
    items.some((item) => {
      const old = before.find((candidate) => candidate.id === item.id);
      return old !== undefined && !sameInterval(old.price, item.price);
    });
  const discounting = prorationDiscounting(ctx, subscription, at);
  const prorations =
    behavior === 'none' || subscription.status === 'trialing'
      ? []
      : items.flatMap((item) => {
          const old = before.find((candidate) => candidate.id === item.id);
          const changed = old && (old.price.id !== item.price.id || (old.quantity ?? 1) !== (item.quantity ?? 1));
          return old && changed ? prorate(ctx, discounting, old, item, at) : [];
        });
  if (resetsCycle) {
    for (const item of items) {
      if (!item.price.recurring) continue;
      item.current_period_start = at;
      item.current_period_end = addInterval(at, item.price.recurring);
    }
  }
  const newPeriodLines = resetsCycle ? items.map((item) => periodLine(item, subscription.status === 'trialing')) : [];
  return { items, prorations, resetsCycle, newPeriodLines };
}

/** `proration_date` must fall in the current period, as Stripe requires. */
export function prorationDate(
  subscription: Subscription,
  value: number | undefined,
  now: number,
  param: string,
): number {
  if (value === undefined) return now;
  const item = subscription.items.data[0];
  if (item && (value < item.current_period_start || value > item.current_period_end)) {
    throw invalidParam(
      param,
      'The proration date must be within the current billing period of the subscription.',
      'parameter_invalid_integer',
    );
  }
  return value;
}
