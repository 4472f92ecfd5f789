/** What the operator decides about billing; the server fills it from its configuration. */
export interface BillingSettings {
  /** Origins that checkout and portal redirect URLs may point to. */
  allowedRedirectOrigins: readonly string[];
  /**
   * The prices on offer, the only ones checkout sells: Stripe price ids or lookup keys, in the
   * pricing page's order; `all-active` offers every active recurring price in the account.
   */
  plans: readonly string[] | 'all-active';
  /**
   * Whether Stripe's checkout page offers a field for a promotion code. Only used when the caller
   * gave no `promotionCode`: Stripe takes one discount per session, so it refuses both together.
   */
  allowPromotionCodes: boolean;
  /** Days of free trial on a user's first subscription, once per email ever; 0 offers none. */
  trialDays: number;
  /**
   * Whether checkout asks for a card before the trial. When false it asks for none, and a trial that
   * ends without one cancels the subscription.
   */
  trialRequiresCard: boolean;
}

declare module '@subkit/core' {
  interface FeatureSettings {
    billing: BillingSettings;
  }
}
