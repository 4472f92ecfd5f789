import { newId } from '../ids';
import type { PortalConfiguration } from '../wire';

export type PortalFeatures = PortalConfiguration['features'];
export type PortalProduct = NonNullable<PortalFeatures['subscription_update']['products']>[number];

/**
 * A configuration with every feature off, as Stripe starts one before the `features` of a create
 * request apply (shape and defaults from `billing_portal.configuration` in Stripe's OpenAPI
 * fixtures and stripe-node's `BillingPortal.Configuration`).
 */
export function buildPortalConfiguration(created: number, isDefault: boolean): PortalConfiguration {
  return {
    id: newId('bpc'),
    object: 'billing_portal.configuration',
    active: true,
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    created,
    default_return_url: null,
    features: {
      customer_update: { allowed_updates: [], enabled: false },
      invoice_history: { enabled: false },
      payment_method_update: { enabled: false, payment_method_configuration: null },
      subscription_cancel: {
        cancellation_reason: { enabled: false, feedback_options: null, options: [] },
        enabled: false,
        mode: 'at_period_end',
        proration_behavior: 'none',
      },
      subscription_pause: { duration: { interval_options: [], type: 'indefinite' }, enabled: false },
      subscription_update: {
        billing_cycle_anchor: null,
        default_allowed_updates: [],
        enabled: false,
        products: [],
        proration_behavior: 'none',
        schedule_at_period_end: { conditions: [] },
        trial_update_behavior: 'end_trial',
      },
    },
    is_default: isDefault,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: {},
    name: null,
    updated: created,
  };
}
