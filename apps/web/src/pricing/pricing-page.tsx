import { useNavigate, useSearch } from '@tanstack/react-router';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useToken } from '../auth/session';
import { checkoutReturnUrls } from '../checkout/chosen-plan';
import { describeOutcome, isLive } from '../plan-change/subscription-state';
import { trpc } from '../trpc';
import { ErrorMessage } from '../ui/error-message';
import { StatusMessage } from '../ui/status-message';
import { useDocumentTitle } from '../ui/use-document-title';
import { useOnPageRestore } from '../ui/use-on-page-restore';
import { CadenceSwitch } from './cadence-switch';
import type { Plan } from './format-price';
import { PlanCard, type PlanCardAction } from './plan-card';
import { type Cadence, groupByProduct, hasBothCadences, planFor, yearlySaving } from './product-offers';
import { isPromotionCodeError, PromotionCodeField } from './promotion-code-field';

// Only subscribers change plan here: visitors never download the dialog.
const ChangePlanDialog = lazy(() =>
  import('../plan-change/change-plan-dialog').then(({ ChangePlanDialog }) => ({ default: ChangePlanDialog })),
);

export function PricingPage() {
  useDocumentTitle('Pricing');
  const search = useSearch({ from: '/pricing' });
  const navigate = useNavigate();
  const signedIn = useToken() !== null;
  const plans = trpc.billing.plans.useQuery();
  // A subscriber changes plan instead: a second checkout would only be refused.
  const subscription = trpc.billing.subscription.useQuery(undefined, { enabled: signedIn });
  const live = signedIn && isLive(subscription.data) ? subscription.data : undefined;
  const [changingTo, setChangingTo] = useState<string>();
  const [outcome, setOutcome] = useState<string>();
  const [chosenCadence, setChosenCadence] = useState<Cadence>();
  // A visitor's code comes back from sign-up with their plan, to go on to its checkout.
  const [promotionCode, setPromotionCode] = useState(search.code ?? '');
  const checkout = trpc.billing.createCheckout.useMutation({
    onSuccess: ({ url }) => {
      window.location.href = url;
    },
  });

  useOnPageRestore(checkout.reset);

  const choose = (plan: Plan) => {
    const code = promotionCode.trim();
    if (!signedIn) {
      void navigate({ to: '/signup', search: { plan: plan.priceId, ...(code && { code }) } });
      return;
    }
    if (live) {
      setOutcome(undefined);
      setChangingTo(plan.priceId);
      return;
    }
    checkout.mutate({
      priceId: plan.priceId,
      ...checkoutReturnUrls(window.location.origin),
      ...(code ? { promotionCode: code } : {}),
    });
  };

  // Back from sign-up or sign-in with the plan chosen before it: continue as if it were chosen now
  // (with the code, in the field since the first render), once, when the plans and the person's
  // subscription are known. The URL drops plan and code so that coming back (Back from checkout, a
  // reload) does not start another checkout. The plan stays on view at its cadence, so that after a
  // refused code the person can fix or clear it and subscribe from the same card.
  const chosenPlan = search.plan;
  const continued = useRef(false);
  const knowsSubscription = signedIn && (subscription.isSuccess || subscription.isError);
  useEffect(() => {
    if (!chosenPlan || !plans.data || !knowsSubscription || continued.current) return;
    continued.current = true;
    void navigate({ to: '/pricing', search: {}, replace: true });
    const plan = plans.data.find((offered) => offered.priceId === chosenPlan);
    if (!plan || plan.priceId === live?.priceId) return;
    setChosenCadence(plan.interval === 'year' ? 'year' : 'month');
    choose(plan);
  });

  const actionFor = (plan: Plan): PlanCardAction => {
    if (!live) return 'subscribe';
    return plan.priceId === live.priceId ? 'current' : 'change';
  };

  const offers = groupByProduct(plans.data ?? []);
  const switchable = offers.filter(hasBothCadences);
  const savings = switchable.map(yearlySaving).filter((saving) => saving !== null);
  // Until the person flips the switch, a yearly subscriber sees yearly prices, their own among them.
  const livePlanInterval = plans.data?.find((plan) => plan.priceId === live?.priceId)?.interval;
  const cadence = chosenCadence ?? (livePlanInterval === 'year' ? 'year' : 'month');

  // A successful mutation is still "redirecting" until the browser leaves the page.
  const redirectingTo = checkout.isPending || checkout.isSuccess ? checkout.variables?.priceId : undefined;
  // One status at a time: news about what the person just did outranks loading.
  const status =
    outcome ??
    (search.checkout === 'cancelled' ? 'Checkout cancelled — you have not been charged.' : undefined) ??
    (plans.isPending ? 'Loading plans…' : undefined);

  return (
    <div className="stack">
      <h1>Pricing</h1>
      <StatusMessage message={status} kind={status === 'Loading plans…' ? 'progress' : 'notice'} />
      {checkout.isError && !isPromotionCodeError(checkout.error) && <ErrorMessage error={checkout.error} />}
      {plans.isError && <ErrorMessage error={plans.error} />}
      {plans.data?.length === 0 && <p>No plans are on offer yet.</p>}
      {/* Visitors too: their code travels with the plan through sign-up. Subscribers change plan instead. */}
      {!live && plans.data && plans.data.length > 0 && (
        <PromotionCodeField
          value={promotionCode}
          onChange={setPromotionCode}
          error={checkout.error}
          disabled={redirectingTo !== undefined}
        />
      )}
      {switchable.length > 0 && (
        <CadenceSwitch
          cadence={cadence}
          onChange={setChosenCadence}
          saving={savings.length > 0 ? Math.max(...savings) : null}
        />
      )}
      {offers.length > 0 && (
        <ul className="plan-grid">
          {offers.map((offer) => {
            const plan = planFor(offer, cadence);
            return (
              <li key={offer.productId}>
                <PlanCard
                  plan={plan}
                  action={actionFor(plan)}
                  onChoose={choose}
                  redirecting={redirectingTo === plan.priceId}
                  disabled={redirectingTo !== undefined}
                  yearlySaving={yearlySaving(offer)}
                />
              </li>
            );
          })}
        </ul>
      )}
      {live && (
        <Suspense>
          <ChangePlanDialog
            open={changingTo !== undefined}
            subscription={live}
            initialPriceId={changingTo}
            onClose={() => setChangingTo(undefined)}
            onChanged={(updated) => setOutcome(describeOutcome(updated, plans.data))}
          />
        </Suspense>
      )}
    </div>
  );
}
