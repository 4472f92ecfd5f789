import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { activeSubscription as active, proMonthly, serverError } from '../test-helpers';
import { renderInRouter } from '../test-render';
import { SubscriptionPanel, type SubscriptionView } from './subscription-panel';
import { formatDate } from './subscription-summary';

async function renderPanel(view: SubscriptionView) {
  const onCheckAgain = vi.fn();
  await renderInRouter(<SubscriptionPanel view={view} onCheckAgain={onCheckAgain} />);
  return { onCheckAgain };
}

describe('SubscriptionPanel', () => {
  it('shows that a checkout is being confirmed', async () => {
    await renderPanel({ kind: 'confirming' });
    expect(screen.getByRole('status').textContent).toBe('Confirming your subscription…');
  });

  it("shows an active subscription's plan, Stripe status and renewal date", async () => {
    await renderPanel({ kind: 'subscribed', subscription: active });
    expect(screen.getByText('Pro')).toBeTruthy();
    expect(screen.getByText('active')).toBeTruthy();
    expect(screen.getByText('Renews on')).toBeTruthy();
    expect(screen.getByText(formatDate('2031-03-15T12:00:00.000Z'))).toBeTruthy();
    expect(screen.queryByText('Cancels at period end')).toBeNull();
  });

  it('says when a subscription cancels at the end of its period', async () => {
    await renderPanel({ kind: 'subscribed', subscription: { ...active, cancelAtPeriodEnd: true } });
    expect(screen.getByText('Cancels at period end')).toBeTruthy();
    expect(screen.getByText('Ends on')).toBeTruthy();
  });

  it('says when a trial ends and what it costs then', async () => {
    const trialEnd = '2031-03-15T12:00:00.000Z';
    await renderInRouter(
      <SubscriptionPanel
        view={{ kind: 'subscribed', subscription: { ...active, status: 'trialing', trialEnd } }}
        onCheckAgain={vi.fn()}
        plans={[proMonthly]}
      />,
    );
    expect(document.querySelector('.trial-end')?.textContent).toBe(
      `Trial ends on ${formatDate(trialEnd)}, then $29.00 per month.`,
    );
    expect(screen.queryByText('Renews on')).toBeNull();
  });

  it('says that a trial without a card ends the subscription', async () => {
    const trialEnd = '2031-03-15T12:00:00.000Z';
    await renderPanel({
      kind: 'subscribed',
      subscription: { ...active, status: 'trialing', trialEnd, endsWithTrial: true },
    });
    expect(document.querySelector('.trial-end')?.textContent).toBe(
      `Trial ends on ${formatDate(trialEnd)}. No card on file: the subscription ends then.`,
    );
  });

  it("keeps Stripe's own status word", async () => {
    await renderPanel({ kind: 'subscribed', subscription: { ...active, status: 'past_due' } });
    expect(screen.getByText('past_due')).toBeTruthy();
  });

  it('points to the plans when there is no subscription', async () => {
    await renderPanel({ kind: 'none' });
    expect(screen.getByRole('link', { name: 'See the plans' }).getAttribute('href')).toBe('/pricing');
  });

  it('gives up waiting with a readable message and a way to check again', async () => {
    const { onCheckAgain } = await renderPanel({ kind: 'confirmation-timed-out' });
    expect(screen.getByRole('alert').textContent).toMatch(/taking longer than usual/);
    fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(onCheckAgain).toHaveBeenCalledOnce();
  });

  it("shows the server's message when loading fails", async () => {
    await renderPanel({ kind: 'failed', error: serverError('INTERNAL_SERVER_ERROR', 'Internal server error') });
    expect(screen.getByRole('alert').textContent).toBe('Internal server error');
  });
});
