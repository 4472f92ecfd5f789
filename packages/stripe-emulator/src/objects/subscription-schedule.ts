import { newId } from '../ids';
import type { Price, SchedulePhase, Subscription, SubscriptionSchedule } from '../wire';

/** One item of a phase: the price by id, as Stripe returns it unexpanded. */
export interface PhaseItemInput {
  price: Price;
  quantity: number;
}

export interface PhaseInput {
  items: PhaseItemInput[];
  start: number;
  end: number;
  prorationBehavior: SchedulePhase['proration_behavior'];
}

export function buildPhase(input: PhaseInput, currency: string): SchedulePhase {
  return {
    add_invoice_items: [],
    application_fee_percent: null,
    billing_cycle_anchor: null,
    billing_thresholds: null,
    collection_method: null,
    currency,
    default_payment_method: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    end_date: input.end,
    invoice_settings: null,
    items: input.items.map(({ price, quantity }) => ({
      billing_thresholds: null,
      discounts: [],
      metadata: {},
      plan: price.id,
      price: price.id,
      quantity,
      tax_rates: [],
    })),
    metadata: {},
    on_behalf_of: null,
    proration_behavior: input.prorationBehavior,
    start_date: input.start,
    transfer_data: null,
    trial_end: null,
  };
}

/**
 * A schedule made `from_subscription`: one phase with the subscription's items for its current
 * period, `end_behavior: release`, already active (https://docs.stripe.com/api/subscription_schedules/create).
 */
export function buildScheduleFromSubscription(subscription: Subscription, created: number): SubscriptionSchedule {
  const first = subscription.items.data[0];
  const start = first?.current_period_start ?? created;
  const end = first?.current_period_end ?? created;
  const phase = buildPhase(
    {
      items: subscription.items.data.map((item) => ({ price: item.price, quantity: item.quantity ?? 1 })),
      start,
      end,
      prorationBehavior: 'create_prorations',
    },
    subscription.currency,
  );
  return {
    id: newId('sub_sched'),
    object: 'subscription_schedule',
    application: null,
    // A schedule takes the billing mode of the subscription it manages.
    billing_mode: structuredClone(subscription.billing_mode),
    canceled_at: null,
    completed_at: null,
    created,
    current_phase: { start_date: start, end_date: end },
    customer: subscription.customer,
    customer_account: null,
    default_settings: {
      application_fee_percent: null,
      billing_cycle_anchor: 'automatic',
      billing_thresholds: null,
      collection_method: 'charge_automatically',
      default_payment_method: null,
      description: null,
      invoice_settings: {
        account_tax_ids: null,
        custom_fields: null,
        days_until_due: null,
        description: null,
        footer: null,
        issuer: { type: 'self' },
      },
      on_behalf_of: null,
      transfer_data: null,
    },
    end_behavior: 'release',
    livemode: false,
    metadata: {},
    pause_schedules: [],
    phases: [phase],
    released_at: null,
    released_subscription: null,
    status: 'active',
    subscription: subscription.id,
    test_clock: null,
  };
}
