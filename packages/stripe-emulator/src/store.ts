import { type CatalogEntry, type CatalogPromotion, isCatalogProduct } from './catalog';
import type { BillingModeChoice } from './objects/billing-mode';
import { buildCoupon, buildPromotionCode } from './objects/coupon';
import type { LineSpec } from './objects/invoice';
import { buildPrice } from './objects/price';
import { buildProduct } from './objects/product';
import type { MissingPaymentMethodBehavior } from './objects/subscription';
import type { Metadata } from './params';
import type {
  CheckoutLineItem,
  CheckoutSession,
  Coupon,
  CreditNote,
  Customer,
  CustomerBalanceTransaction,
  DeletedCustomer,
  Discount,
  Invoice,
  PortalConfiguration,
  PortalSession,
  Price,
  Product,
  PromotionCode,
  StripeEvent,
  StripeObject,
  Subscription,
  SubscriptionSchedule,
  TestClock,
  WebhookEndpoint,
} from './wire';

/** Objects of one kind, by id, remembering creation order (Stripe lists newest first). */
export class Collection<T extends { id: string }> {
  private readonly byId = new Map<string, T>();

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  insert(item: T): T {
    this.byId.set(item.id, item);
    return item;
  }

  remove(id: string): void {
    this.byId.delete(id);
  }

  all(): T[] {
    return [...this.byId.values()];
  }

  newestFirst(): T[] {
    return this.all().reverse();
  }
}

/** One part of the store as JSON: a collection's objects in creation order, a map's entries, a set's values. */
export type StorePartSnapshot = { collection: unknown[] } | { map: [unknown, unknown][] } | { set: unknown[] };

/** The whole store as JSON, by field name; what the state file holds. */
export type StoreSnapshot = Record<string, StorePartSnapshot>;

/**
 * All emulator state, in memory. Objects are stored in their wire shape and
 * mutated in place; events keep their own snapshots.
 */
export class Store {
  readonly products = new Collection<Product>();
  readonly prices = new Collection<Price>();
  readonly customers = new Collection<Customer>();
  /**
   * Deleted customers leave `customers`, so every call that names one answers "No such customer",
   * yet Stripe still retrieves them (as `{id, object, deleted: true}`).
   */
  readonly deletedCustomers = new Collection<DeletedCustomer>();
  readonly checkoutSessions = new Collection<CheckoutSession>();
  /** Line items are not part of the session object; Stripe returns them only when expanded or listed. */
  readonly checkoutLineItems = new Map<string, CheckoutLineItem[]>();
  /** `subscription_data` given at session creation, applied when the session completes. */
  readonly checkoutSubscriptionData = new Map<
    string,
    {
      metadata: Metadata;
      trialPeriodDays: number | null;
      billingMode: BillingModeChoice;
      /** `trial_settings.end_behavior.missing_payment_method`; absent on sessions saved by an older emulator. */
      missingPaymentMethod?: MissingPaymentMethodBehavior;
    }
  >();
  readonly subscriptions = new Collection<Subscription>();
  readonly subscriptionSchedules = new Collection<SubscriptionSchedule>();
  /** Prorations (`create_prorations`) waiting for the subscription's next invoice, by subscription id. */
  readonly pendingProrations = new Map<string, LineSpec[]>();
  readonly invoices = new Collection<Invoice>();
  readonly portalSessions = new Collection<PortalSession>();
  readonly portalConfigurations = new Collection<PortalConfiguration>();
  /** Portal sessions whose `flow` the customer finished; their page shows the portal home from then on. */
  readonly completedPortalFlows = new Set<string>();
  readonly creditNotes = new Collection<CreditNote>();
  readonly customerBalanceTransactions = new Collection<CustomerBalanceTransaction>();
  readonly coupons = new Collection<Coupon>();
  /**
   * Deleted coupons leave `coupons` (Stripe answers "No such coupon"), yet discounts made from them
   * keep applying: "deleting a coupon does not affect any customers who have already applied the coupon".
   */
  readonly deletedCoupons = new Collection<Coupon>();
  readonly promotionCodes = new Collection<PromotionCode>();
  /** Discounts applied to subscriptions; Stripe has no endpoint for them, they are only expanded. */
  readonly discounts = new Collection<Discount>();
  readonly events = new Collection<StripeEvent>();
  /** `/v1/test_helpers/test_clocks`; each keeps its own time for its customers' objects. */
  readonly testClocks = new Collection<TestClock>();
  /** `/v1/webhook_endpoints`; their signing secrets are kept apart, as Stripe shows one only on create. */
  readonly webhookEndpoints = new Collection<WebhookEndpoint>();
  readonly webhookEndpointSecrets = new Map<string, string>();
  /** Trialing subscriptions already sent `customer.subscription.trial_will_end` (once per trial end). */
  readonly trialWillEndSent = new Map<string, number>();
  /** Subscriptions whose next renewal a test asked to fail. */
  readonly failingRenewals = new Set<string>();
  /** Subscriptions whose next payment of any kind (a plan change's invoice, a renewal) a test asked to fail. */
  readonly failingPayments = new Set<string>();
  /**
   * Customers whose saved card declined a payment: it keeps declining (payment retries, renewals, plan
   * changes) until they save another in the portal's payment method flow.
   */
  readonly decliningCustomers = new Set<string>();

  /** Looks an id up in every collection; used to expand `customer`, `subscription`, `price.product`, … */
  find(id: string): StripeObject | undefined {
    return (
      this.customers.get(id) ??
      this.products.get(id) ??
      this.prices.get(id) ??
      this.subscriptions.get(id) ??
      this.subscriptionSchedules.get(id) ??
      this.invoices.get(id) ??
      this.checkoutSessions.get(id) ??
      this.portalSessions.get(id) ??
      this.portalConfigurations.get(id) ??
      this.creditNotes.get(id) ??
      this.customerBalanceTransactions.get(id) ??
      this.coupons.get(id) ??
      this.promotionCodes.get(id) ??
      this.discounts.get(id) ??
      this.testClocks.get(id)
    );
  }

  /**
   * Every Collection, Map and Set field of the store, found by walking the fields rather than
   * listing them, so an object kind added later is saved and restored without touching this.
   */
  snapshot(): StoreSnapshot {
    const snapshot: StoreSnapshot = {};
    for (const [name, part] of Object.entries(this)) {
      if (part instanceof Collection) snapshot[name] = { collection: part.all() };
      else if (part instanceof Map) snapshot[name] = { map: [...part.entries()] };
      else if (part instanceof Set) snapshot[name] = { set: [...part.values()] };
    }
    return snapshot;
  }

  /** Loads a snapshot into this (empty) store; parts this version no longer has are dropped. */
  restore(snapshot: StoreSnapshot): void {
    const parts = new Map<string, unknown>(Object.entries(this));
    for (const [name, saved] of Object.entries(snapshot)) {
      const part = parts.get(name);
      if (part instanceof Collection && 'collection' in saved) {
        for (const item of saved.collection) part.insert(item as { id: string });
      } else if (part instanceof Map && 'map' in saved) {
        for (const [key, value] of saved.map) part.set(key, value);
      } else if (part instanceof Set && 'set' in saved) {
        for (const value of saved.set) part.add(value);
      }
    }
  }

  seed(catalog: CatalogEntry[], now: number): void {
    for (const entry of catalog) {
      if (!isCatalogProduct(entry)) {
        this.seedPromotion(entry, now);
        continue;
      }
      const product = this.products.insert(
        buildProduct({
          id: entry.product.id,
          name: entry.product.name,
          description: entry.product.description ?? null,
          marketingFeatures: entry.product.features ?? [],
          created: now,
        }),
      );
      // As a product made in the Dashboard with its prices: the first active one is the default.
      product.default_price = entry.prices.find((price) => price.active ?? true)?.id ?? null;
      for (const price of entry.prices) {
        this.prices.insert(
          buildPrice({
            id: price.id,
            product: entry.product.id,
            unit_amount: price.unit_amount,
            currency: price.currency,
            recurring: price.recurring ?? null,
            active: price.active ?? true,
            lookup_key: price.lookup_key ?? null,
            created: now,
          }),
        );
      }
    }
  }

  private seedPromotion({ coupon, promotion_codes }: CatalogPromotion, now: number): void {
    this.coupons.insert(
      buildCoupon({
        id: coupon.id,
        name: coupon.name ?? null,
        percentOff: coupon.percent_off ?? null,
        amountOff: coupon.amount_off ?? null,
        currency: coupon.currency ?? null,
        duration: coupon.duration,
        durationInMonths: coupon.duration_in_months ?? null,
        maxRedemptions: null,
        redeemBy: null,
        metadata: {},
        created: now,
      }),
    );
    for (const { code } of promotion_codes) {
      this.promotionCodes.insert(
        buildPromotionCode({
          code,
          coupon: coupon.id,
          active: true,
          customer: null,
          expiresAt: null,
          maxRedemptions: null,
          firstTimeTransaction: false,
          minimumAmount: null,
          minimumAmountCurrency: null,
          metadata: {},
          created: now,
        }),
      );
    }
  }
}
