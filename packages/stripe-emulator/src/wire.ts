import type Stripe from 'stripe';

/**
 * An SDK type as it travels over the wire. The SDK turns decimal strings
 * (`unit_amount_decimal: "2900"`) into `Stripe.Decimal` objects only after it
 * has parsed a response, so the emulator, which writes the JSON, keeps them as
 * strings. Everything else is the SDK's own shape.
 */
export type Wire<T> = T extends Stripe.Decimal
  ? string
  : T extends string | number | boolean | null | undefined
    ? T // also keeps the SDK's open enums (`'month' | (string & {})`) intact
    : T extends readonly (infer Item)[]
      ? Wire<Item>[]
      : T extends object
        ? { [Key in keyof T]: Wire<T[Key]> }
        : T;

export type Product = Wire<Stripe.Product>;
export type Price = Wire<Stripe.Price>;
export type Plan = Wire<Stripe.Plan>;
export type Customer = Wire<Stripe.Customer>;
export type DeletedCustomer = Wire<Stripe.DeletedCustomer>;
export type CheckoutSession = Wire<Stripe.Checkout.Session>;
export type CheckoutLineItem = Wire<Stripe.LineItem>;
export type Subscription = Wire<Stripe.Subscription>;
export type SubscriptionItem = Wire<Stripe.SubscriptionItem>;
export type Invoice = Wire<Stripe.Invoice>;
export type SubscriptionSchedule = Wire<Stripe.SubscriptionSchedule>;
export type SchedulePhase = Wire<Stripe.SubscriptionSchedule.Phase>;
export type InvoiceLineItem = Wire<Stripe.InvoiceLineItem>;
export type PortalSession = Wire<Stripe.BillingPortal.Session>;
export type PortalFlow = Wire<Stripe.BillingPortal.Session.Flow>;
export type PortalConfiguration = Wire<Stripe.BillingPortal.Configuration>;
export type CreditNote = Wire<Stripe.CreditNote>;
export type CustomerBalanceTransaction = Wire<Stripe.CustomerBalanceTransaction>;
export type Coupon = Wire<Stripe.Coupon>;
export type DeletedCoupon = Wire<Stripe.DeletedCoupon>;
export type PromotionCode = Wire<Stripe.PromotionCode>;
export type Discount = Wire<Stripe.Discount>;
export type TestClock = Wire<Stripe.TestHelpers.TestClock>;
export type WebhookEndpoint = Wire<Stripe.WebhookEndpoint>;

/** Every object the emulator stores and can put in an event's `data.object`. */
export type StripeObject =
  | Product
  | Price
  | Customer
  | CheckoutSession
  | Subscription
  | SubscriptionSchedule
  | Invoice
  | PortalSession
  | PortalConfiguration
  | CreditNote
  | CustomerBalanceTransaction
  | Coupon
  | DeletedCoupon
  | PromotionCode
  | Discount
  | TestClock;

export type EventType = Stripe.Event.Type;

export interface StripeEvent extends Omit<Wire<Stripe.EventBase>, 'data'> {
  data: { object: StripeObject; previous_attributes?: Record<string, unknown> };
}

/** Stripe's list envelope, `{ object: 'list', data, has_more, url }`. */
export type List<T> = Omit<Wire<Stripe.ApiList<T>>, 'data'> & { data: T[] };
