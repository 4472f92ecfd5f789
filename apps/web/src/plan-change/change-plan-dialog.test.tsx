import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatDate, type Subscription } from '../dashboard/subscription-summary';
import {
  activeSubscription,
  type FakeResult,
  proMonthly,
  proYearly,
  starterMonthly,
  upgradePreview,
} from '../test-helpers';
import { renderWithServer } from '../test-render';
import { ChangePlanDialog } from './change-plan-dialog';

const PERIOD_END = activeSubscription.currentPeriodEnd ?? '';
const downgradePreview = {
  priceId: starterMonthly.priceId,
  effective: 'period_end',
  amountDue: 0,
  currency: 'usd',
  nextInvoiceAmount: 900,
  nextInvoiceAt: PERIOD_END,
};
const previews: Record<string, object> = {
  [proYearly.priceId]: upgradePreview,
  [starterMonthly.priceId]: downgradePreview,
};

interface Options {
  subscription?: Subscription;
  initialPriceId?: string;
  preview?: (input: unknown) => FakeResult;
  changePlan?: (input: unknown) => FakeResult;
}

function renderDialog(options: Options = {}) {
  const subscription = options.subscription ?? activeSubscription;
  const preview = vi.fn(
    options.preview ?? ((input: unknown) => ({ data: previews[(input as { priceId: string }).priceId] })),
  );
  const changePlan = vi.fn(options.changePlan ?? (() => ({ data: { ...subscription, priceId: proYearly.priceId } })));
  const onClose = vi.fn();
  const onChanged = vi.fn();
  renderWithServer(
    <ChangePlanDialog
      open
      subscription={subscription}
      initialPriceId={options.initialPriceId}
      onClose={onClose}
      onChanged={onChanged}
    />,
    {
      'billing.plans': () => ({ data: [starterMonthly, proMonthly, proYearly] }),
      'billing.previewPlanChange': preview,
      'billing.changePlan': changePlan,
    },
  );
  return { preview, changePlan, onClose, onChanged };
}

const dialog = () => screen.getByRole('dialog', { name: 'Change plan' });
const confirmButton = () => within(dialog()).getByRole('button', { name: 'Confirm change' });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('ChangePlanDialog', () => {
  it('lists the plans on offer, the current one marked and not choosable', async () => {
    renderDialog();
    const current = await screen.findByRole('radio', { name: /Pro monthly/ });
    expect(current).toHaveProperty('disabled', true);
    expect(within(current.closest('label') as HTMLElement).getByText('Current plan')).toBeTruthy();
    expect(screen.getByRole('radio', { name: 'Starter monthly $9.00 per month' })).toHaveProperty('disabled', false);
    expect(screen.getByRole('radio', { name: 'Pro yearly $290.00 per year' })).toHaveProperty('disabled', false);
    expect(screen.getByRole('group', { name: 'Plans on offer' })).toBeTruthy();
    expect(confirmButton()).toHaveProperty('disabled', true);
  });

  it('shows the previewed charge of an upgrade, then confirms it', async () => {
    const { preview, changePlan, onChanged, onClose } = renderDialog();
    fireEvent.click(await screen.findByRole('radio', { name: /Pro yearly/ }));
    expect(screen.getByRole('status').textContent).toBe('Working out the price…');
    expect(await screen.findByText("You'll be charged $241.23 now.")).toBeTruthy();
    expect(screen.getByText(`Then $290.00 per year, next on ${formatDate('2032-02-15T12:00:00.000Z')}.`)).toBeTruthy();
    expect(preview).toHaveBeenCalledWith({ priceId: proYearly.priceId });

    fireEvent.click(confirmButton());
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(changePlan).toHaveBeenCalledWith({ priceId: proYearly.priceId });
    expect(onChanged).toHaveBeenCalledWith(expect.objectContaining({ priceId: proYearly.priceId }));
  });

  it('says a downgrade starts at the period end and charges nothing now', async () => {
    renderDialog({ initialPriceId: starterMonthly.priceId });
    expect(await screen.findByText(`Starts on ${formatDate(PERIOD_END)}, no charge now.`)).toBeTruthy();
    expect(screen.getByRole('radio', { name: /Starter monthly/ })).toHaveProperty('checked', true);
    expect(confirmButton()).toHaveProperty('disabled', false);
  });

  it('lets the current plan be chosen to drop a pending change', async () => {
    const pending = { priceId: starterMonthly.priceId, effectiveAt: PERIOD_END };
    renderDialog({
      subscription: { ...activeSubscription, pendingChange: pending },
      preview: () => ({ data: { ...downgradePreview, priceId: proMonthly.priceId, effective: 'now' } }),
    });
    fireEvent.click(await screen.findByRole('radio', { name: /Pro monthly/ }));
    expect(
      await screen.findByText('You stay on Pro monthly; the change to Starter monthly is cancelled. No charge.'),
    ).toBeTruthy();
  });

  it('shows a failed preview alone, with a way to try again, and nothing to confirm', async () => {
    let failing = true;
    const { preview } = renderDialog({
      preview: () =>
        failing ? { error: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } : { data: upgradePreview },
    });
    fireEvent.click(await screen.findByRole('radio', { name: /Pro yearly/ }));
    expect((await screen.findByRole('alert')).textContent).toBe('Internal server error');
    expect(screen.queryByRole('status')).toBeNull();
    expect(confirmButton()).toHaveProperty('disabled', true);

    failing = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText("You'll be charged $241.23 now.")).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(preview).toHaveBeenCalledTimes(2);
  });

  it('keeps the dialog open with the reason when the change fails', async () => {
    const { onClose, onChanged } = renderDialog({
      initialPriceId: proYearly.priceId,
      changePlan: () => ({
        error: 'BAD_REQUEST',
        message: 'The payment for the new plan failed, so your subscription stays on its current plan.',
      }),
    });
    await screen.findByText("You'll be charged $241.23 now.");
    fireEvent.click(confirmButton());
    expect((await screen.findByRole('alert')).textContent).toMatch(/stays on its current plan/);
    expect(onClose).not.toHaveBeenCalled();
    expect(onChanged).not.toHaveBeenCalled();
    expect(confirmButton()).toHaveProperty('disabled', false);
    expect(within(dialog()).getByRole('button', { name: 'Cancel' })).toHaveProperty('disabled', false);
  });
});
