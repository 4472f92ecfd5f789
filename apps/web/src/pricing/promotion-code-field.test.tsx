import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../app';
import { type FakeResult, fakeTrpcServer, proMonthly, serverError } from '../test-helpers';
import { PromotionCodeField } from './promotion-code-field';

beforeEach(() => {
  window.localStorage.clear();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('PromotionCodeField', () => {
  it('shows "Invalid promotion code" from the server next to the field', () => {
    render(
      <PromotionCodeField
        value="NOPE"
        onChange={vi.fn()}
        error={serverError('BAD_REQUEST', 'Invalid promotion code')}
        disabled={false}
      />,
    );
    const field = screen.getByLabelText('Promotion code');
    expect(screen.getByRole('alert').textContent).toBe('Invalid promotion code');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')).toBe(screen.getByRole('alert').id);
  });

  it('leaves other checkout failures to the page', () => {
    render(
      <PromotionCodeField
        value=""
        onChange={vi.fn()}
        error={serverError('CONFLICT', 'An active subscription already exists')}
        disabled={false}
      />,
    );
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByLabelText('Promotion code').getAttribute('aria-invalid')).toBeNull();
  });
});

describe('the pricing page with a promotion code', () => {
  it('sends the trimmed code with the checkout and shows a refusal next to the field', async () => {
    window.localStorage.setItem('subkit.token', 'token_abc');
    window.history.replaceState(null, '', '/pricing');
    const createCheckout = vi.fn((): FakeResult => ({ error: 'BAD_REQUEST', message: 'Invalid promotion code' }));
    vi.stubGlobal(
      'fetch',
      fakeTrpcServer({
        'billing.plans': () => ({ data: [proMonthly] }),
        'billing.subscription': () => ({ data: null }),
        'billing.createCheckout': createCheckout,
      }),
    );
    render(<App />);
    fireEvent.change(await screen.findByLabelText('Promotion code'), { target: { value: '  nope ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Subscribe to Pro monthly' }));
    await waitFor(() => expect(createCheckout).toHaveBeenCalledTimes(1));
    expect(createCheckout).toHaveBeenCalledWith(
      expect.objectContaining({ priceId: proMonthly.priceId, promotionCode: 'nope' }),
    );
    expect((await screen.findByRole('alert')).textContent).toBe('Invalid promotion code');
    expect(screen.getAllByRole('alert')).toHaveLength(1);
  });
});
