import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../app';
import {
  activeSubscription,
  type FakeResult,
  fakeTrpcServer,
  proMonthly,
  proYearly,
  starterMonthly,
  upgradePreview,
} from '../test-helpers';
import { formatDate, type Subscription } from './subscription-summary';

const PERIOD_END = activeSubscription.currentPeriodEnd ?? '';
/** Matches a paragraph by its whole text, however it is split into elements (dates are <time>). */
const wholeParagraph = (text: string) => (_: string, element: Element | null) =>
  element?.tagName === 'P' && element.textContent === text;
const user = { id: 'user_1', email: 'ada@example.com' };

/** The app on `path`, signed in, over a server that keeps one subscription and changes it as asked. */
function start(path: string, initial: Subscription) {
  let subscription = initial;
  const answer = (next: Subscription): FakeResult => {
    subscription = next;
    return { data: next };
  };
  const handlers = {
    'auth.me': () => ({ data: user }),
    'billing.plans': () => ({ data: [starterMonthly, proMonthly, proYearly] }),
    'billing.subscription': () => ({ data: subscription }),
    'billing.invoices': () => ({ data: { invoices: [], hasMore: false } }),
    'billing.changePlan': vi.fn((input: unknown) => {
      const { priceId } = input as { priceId: string };
      if (priceId === subscription.priceId) return answer({ ...subscription, pendingChange: null });
      return answer({ ...subscription, priceId, productName: 'Pro', interval: 'year' });
    }),
    'billing.previewPlanChange': () => ({ data: upgradePreview }),
    'billing.cancelSubscription': vi.fn(() =>
      answer({ ...subscription, cancelAtPeriodEnd: true, pendingChange: null }),
    ),
    'billing.resumeSubscription': vi.fn(() => answer({ ...subscription, cancelAtPeriodEnd: false })),
  };
  window.history.replaceState(null, '', path);
  window.localStorage.setItem('subkit.token', 'token_abc');
  vi.stubGlobal('fetch', fakeTrpcServer(handlers));
  render(<App />);
  return handlers;
}

beforeEach(() => {
  window.localStorage.clear();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the dashboard’s plan actions', () => {
  it('shows the billing history under a subscription', async () => {
    start('/dashboard', activeSubscription);
    const history = await screen.findByRole('region', { name: 'Billing history' });
    expect(await within(history).findByText('No invoices yet.')).toBeTruthy();
  });

  it('shows the plan, its interval and a pending change, and keeps the current plan on request', async () => {
    const handlers = start('/dashboard', {
      ...activeSubscription,
      pendingChange: { priceId: starterMonthly.priceId, effectiveAt: PERIOD_END },
    });
    expect(
      await screen.findByText(wholeParagraph(`Changes to Starter monthly on ${formatDate(PERIOD_END)}`)),
    ).toBeTruthy();
    expect(screen.getByText('Monthly')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Keep Pro monthly' }));
    expect((await screen.findByRole('status')).textContent).toBe("You're on Pro monthly.");
    expect(handlers['billing.changePlan']).toHaveBeenCalledWith({ priceId: proMonthly.priceId });
    expect(screen.queryByText(/Changes to Starter/)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Keep Pro monthly' })).toBeNull();
  });

  it('changes plan through the dialog and shows the new plan at once', async () => {
    start('/dashboard', activeSubscription);
    fireEvent.click(await screen.findByRole('button', { name: 'Change plan' }));
    const dialog = screen.getByRole('dialog', { name: 'Change plan' });
    fireEvent.click(await within(dialog).findByRole('radio', { name: /Pro yearly/ }));
    await within(dialog).findByText("You'll be charged $241.23 now.");
    fireEvent.click(within(dialog).getByRole('button', { name: 'Confirm change' }));

    expect((await screen.findByRole('status')).textContent).toBe("You're on Pro yearly.");
    expect(screen.getByText('Yearly')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('cancels at period end only after confirming, then resumes', async () => {
    const handlers = start('/dashboard', activeSubscription);
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel subscription' }));
    const dialog = screen.getByRole('dialog', { name: 'Cancel your subscription?' });
    expect(within(dialog).getByText(new RegExp(`You keep Pro monthly until ${formatDate(PERIOD_END)}`))).toBeTruthy();
    expect(handlers['billing.cancelSubscription']).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel at period end' }));

    expect((await screen.findByRole('status')).textContent).toBe(
      `Your subscription ends on ${formatDate(PERIOD_END)}.`,
    );
    expect(screen.getByText('Cancels at period end')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Change plan' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Resume subscription' }));
    expect((await screen.findByRole('status')).textContent).toBe(
      `Your subscription renews on ${formatDate(PERIOD_END)}.`,
    );
    expect(screen.queryByText('Cancels at period end')).toBeNull();
    expect(handlers['billing.resumeSubscription']).toHaveBeenCalledOnce();
    expect(screen.getByText('Renews on')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Change plan' })).toBeTruthy();
  });

  it('keeps a subscriber on the pricing page from a second checkout', async () => {
    start('/pricing', activeSubscription);
    const current = await screen.findByRole('article', { name: 'Pro $29.00 per month' });
    expect(within(current).getByText('Current plan')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^Subscribe/ })).toBeNull();

    fireEvent.click(screen.getByRole('switch', { name: 'Bill yearly' }));
    fireEvent.click(screen.getByRole('button', { name: 'Change plan to Pro yearly' }));
    const dialog = screen.getByRole('dialog', { name: 'Change plan' });
    expect(await within(dialog).findByText("You'll be charged $241.23 now.")).toBeTruthy();
    expect(within(dialog).getByRole('radio', { name: /Pro yearly/ })).toHaveProperty('checked', true);
  });
});
