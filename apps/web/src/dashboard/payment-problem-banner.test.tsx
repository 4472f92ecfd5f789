import { fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithServer } from '../test-render';
import { PaymentProblemBanner } from './payment-problem-banner';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('PaymentProblemBanner', () => {
  it.each(['active', 'trialing', 'canceled', undefined])('is not shown for %s', (status) => {
    renderWithServer(<PaymentProblemBanner status={status} />, {});
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('asks a past_due subscriber to update the payment method, opening the portal on that flow', async () => {
    const portal = vi.fn(() => ({ data: { url: '#portal' } }));
    renderWithServer(<PaymentProblemBanner status="past_due" />, { 'billing.createPortalSession': portal });
    expect(screen.getByRole('alert').textContent).toMatch(/Your last payment failed/);
    fireEvent.click(screen.getByRole('button', { name: 'Update payment method' }));
    await vi.waitFor(() => expect(portal).toHaveBeenCalledOnce());
    expect(portal).toHaveBeenCalledWith({
      returnUrl: `${window.location.origin}/dashboard`,
      flow: 'payment_method_update',
    });
  });

  it('explains an incomplete first payment the same way', () => {
    renderWithServer(<PaymentProblemBanner status="incomplete" />, {});
    expect(screen.getByRole('alert').textContent).toMatch(/first payment did not go through/);
    expect(screen.getByRole('button', { name: 'Update payment method' })).toBeTruthy();
  });
});
