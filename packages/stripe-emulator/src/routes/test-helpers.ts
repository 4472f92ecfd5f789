import type { ApiRoutes } from '../api';
import { completeCheckoutSession } from '../billing/checkout';
import { markPastDue, pauseSubscription } from '../billing/subscriptions';
import type { EmulatorContext } from '../context';
import { invalidRequest } from '../errors';
import { expand } from '../expand';
import { optionalString } from '../params';
import type { RouteSpec } from '../strictness';
import { requireObject } from './lookup';

/** What each route acts on (`RouteSpec`): any other parameter Stripe accepts there is refused, not ignored. */
const SUPPORTED = {
  complete: { supports: ['email'], returns: 'checkout.session' },
  subscription: { supports: [], returns: 'subscription' },
} satisfies Record<string, RouteSpec>;

/**
 * Shortcuts for tests and scripts, under Stripe's `/v1/test_helpers/` prefix.
 * They need an API key like any other API call.
 */
export function registerTestHelperRoutes(api: ApiRoutes, ctx: EmulatorContext): void {
  const { store } = ctx;

  /** Same as paying on the hosted page. `email` is used when the session has neither customer nor customer_email. */
  api.post(
    '/v1/test_helpers/checkout/sessions/:id/complete',
    SUPPORTED.complete,
    ({ id, params, origin, expand: paths }) => {
      const session = requireObject(store.checkoutSessions, 'checkout.session', id);
      return expand(ctx, completeCheckoutSession(ctx, session, origin, optionalString(params, 'email')), paths);
    },
  );

  /** The next renewal's payment fails: the subscription goes past_due when the clock reaches its period end. */
  api.post('/v1/test_helpers/subscriptions/:id/fail_next_renewal', SUPPORTED.subscription, ({ id, expand: paths }) => {
    const subscription = requireObject(store.subscriptions, 'subscription', id);
    if (subscription.status === 'canceled') throw invalidRequest('This subscription is canceled and will not renew.');
    store.failingRenewals.add(subscription.id);
    return expand(ctx, subscription, paths);
  });

  /**
   * The subscription's next payment of any kind fails: the invoice of a plan change made now (which
   * `pending_if_incomplete` then leaves pending) or, failing that, the next renewal.
   */
  api.post('/v1/test_helpers/subscriptions/:id/fail_next_payment', SUPPORTED.subscription, ({ id, expand: paths }) => {
    const subscription = requireObject(store.subscriptions, 'subscription', id);
    if (subscription.status === 'canceled')
      throw invalidRequest('This subscription is canceled and will not be charged.');
    store.failingPayments.add(subscription.id);
    return expand(ctx, subscription, paths);
  });

  /** A payment fails right now: `invoice.payment_failed`, then the subscription becomes past_due. */
  api.post(
    '/v1/test_helpers/subscriptions/:id/mark_past_due',
    SUPPORTED.subscription,
    ({ id, origin, expand: paths }) => {
      const subscription = requireObject(store.subscriptions, 'subscription', id);
      return expand(ctx, markPastDue(ctx, subscription, origin), paths);
    },
  );

  api.post('/v1/test_helpers/subscriptions/:id/pause', SUPPORTED.subscription, ({ id, origin, expand: paths }) => {
    const subscription = requireObject(store.subscriptions, 'subscription', id);
    return expand(ctx, pauseSubscription(ctx, subscription, origin), paths);
  });
}
