import type { CatalogEntry } from './catalog';
import { buildPrice } from './objects/price';
import { buildProduct } from './objects/product';
import type { Metadata } from './params';
import type {
  CheckoutLineItem,
  CheckoutSession,
  CreditNote,
  Customer,
  CustomerBalanceTransaction,
  Invoice,
  PortalSession,
  Price,
  Product,
  StripeEvent,
  StripeObject,
  Subscription,
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

  all(): T[] {
    return [...this.byId.values()];
  }

  newestFirst(): T[] {
    return this.all().reverse();
  }
}

/**
 * All emulator state, in memory. Objects are stored in their wire shape and
 * mutated in place; events keep their own snapshots.
 */
export class Store {
  readonly products = new Collection<Product>();
  readonly prices = new Collection<Price>();
  readonly customers = new Collection<Customer>();
  readonly checkoutSessions = new Collection<CheckoutSession>();
  /** Line items are not part of the session object; Stripe returns them only when expanded or listed. */
  readonly checkoutLineItems = new Map<string, CheckoutLineItem[]>();
  /** `subscription_data` given at session creation, applied when the session completes. */
  readonly checkoutSubscriptionData = new Map<string, { metadata: Metadata; trialPeriodDays: number | null }>();
  readonly subscriptions = new Collection<Subscription>();
  readonly invoices = new Collection<Invoice>();
  readonly portalSessions = new Collection<PortalSession>();
  readonly creditNotes = new Collection<CreditNote>();
  readonly customerBalanceTransactions = new Collection<CustomerBalanceTransaction>();
  readonly events = new Collection<StripeEvent>();
  /** Subscriptions whose next renewal a test asked to fail. */
  readonly failingRenewals = new Set<string>();

  /** Looks an id up in every collection; used to expand `customer`, `subscription`, `price.product`, … */
  find(id: string): StripeObject | undefined {
    return (
      this.customers.get(id) ??
      this.products.get(id) ??
      this.prices.get(id) ??
      this.subscriptions.get(id) ??
      this.invoices.get(id) ??
      this.checkoutSessions.get(id) ??
      this.portalSessions.get(id) ??
      this.creditNotes.get(id) ??
      this.customerBalanceTransactions.get(id)
    );
  }

  seed(catalog: CatalogEntry[], now: number): void {
    for (const entry of catalog) {
      this.products.insert(
        buildProduct({
          id: entry.product.id,
          name: entry.product.name,
          description: entry.product.description ?? null,
          created: now,
        }),
      );
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
}
