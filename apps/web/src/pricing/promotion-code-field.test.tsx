import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../app';
import {
  activeSubscription,
  type FakeResult,
  fakeTrpcServer,
  proMonthly,
  proYearly,
  serverError,
  starterMonthly,
} from '../test-helpers';
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

  const session = {
    token: 'token_abc',
    expiresAt: '2031-01-01T00:00:00.000Z',
    user: { id: 'user_1', email: 'ada@example.com' },
  };
  const redirected = { data: { sessionId: 'cs_test_1', url: `${window.location.origin}/pricing#checkout` } };

  function start(url: string, handlers: Parameters<typeof fakeTrpcServer>[0]) {
    window.history.replaceState(null, '', url);
    vi.stubGlobal('fetch', fakeTrpcServer(handlers));
    render(<App />);
  }

  async function fillCredentials() {
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse' } });
  }

  it("carries a visitor's code with the plan through sign-up, the switch to sign-in and sign-in, to the checkout", async () => {
    const createCheckout = vi.fn((): FakeResult => redirected);
    start('/pricing', {
      'auth.signIn': () => ({ data: session }),
      'auth.me': () => ({ data: session.user }),
      'billing.plans': () => ({ data: [proMonthly, proYearly] }),
      'billing.subscription': () => ({ data: null }),
      'billing.createCheckout': createCheckout,
    });
    fireEvent.change(await screen.findByLabelText('Promotion code'), { target: { value: ' friend20 ' } });
    fireEvent.click(await screen.findByRole('switch', { name: 'Bill yearly' }));
    fireEvent.click(screen.getByRole('button', { name: 'Subscribe to Pro yearly' }));
    await screen.findByRole('heading', { name: 'Create your account', level: 1 });
    expect(window.location.pathname + window.location.search).toBe('/signup?plan=price_pro_yearly&code=friend20');

    fireEvent.click(within(screen.getByRole('main')).getByRole('link', { name: 'Sign in' }));
    await screen.findByRole('heading', { name: 'Sign in', level: 1 });
    expect(window.location.pathname + window.location.search).toBe('/signin?plan=price_pro_yearly&code=friend20');
    await fillCredentials();
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    await waitFor(() => expect(window.location.hash).toBe('#checkout'));
    expect(createCheckout).toHaveBeenCalledTimes(1);
    expect(createCheckout).toHaveBeenCalledWith(
      expect.objectContaining({ priceId: proYearly.priceId, promotionCode: 'friend20' }),
    );
    expect(window.location.search).toBe('');
  });

  it('shows a refused code next to the field after sign-up, with the plan on view, and goes on once cleared', async () => {
    const createCheckout = vi.fn(
      (input: unknown): FakeResult =>
        (input as { promotionCode?: string }).promotionCode
          ? { error: 'BAD_REQUEST', message: 'Invalid promotion code' }
          : redirected,
    );
    start('/signup?plan=price_pro_yearly&code=NOPE', {
      'auth.signUp': () => ({ data: session }),
      'auth.me': () => ({ data: session.user }),
      'billing.plans': () => ({ data: [proMonthly, proYearly] }),
      'billing.subscription': () => ({ data: null }),
      'billing.createCheckout': createCheckout,
    });
    await fillCredentials();
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));

    expect((await screen.findByRole('alert')).textContent).toBe('Invalid promotion code');
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect(createCheckout).toHaveBeenCalledWith(
      expect.objectContaining({ priceId: proYearly.priceId, promotionCode: 'NOPE' }),
    );
    const field = screen.getByLabelText('Promotion code') as HTMLInputElement;
    expect(field.value).toBe('NOPE');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    // The yearly plan chosen before sign-up is still the one on view; the URL no longer carries it.
    expect(screen.getByRole('switch', { name: 'Bill yearly' }).getAttribute('aria-checked')).toBe('true');
    expect(window.location.pathname + window.location.search).toBe('/pricing');

    fireEvent.change(field, { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Subscribe to Pro yearly' }));
    await waitFor(() => expect(window.location.hash).toBe('#checkout'));
    expect(createCheckout).toHaveBeenCalledTimes(2);
    expect(createCheckout).toHaveBeenLastCalledWith(expect.not.objectContaining({ promotionCode: expect.anything() }));
  });

  it('goes on to the checkout without a code from the URL that is beyond the bound', async () => {
    window.localStorage.setItem('subkit.token', 'token_abc');
    const createCheckout = vi.fn((): FakeResult => redirected);
    start(`/pricing?plan=price_pro_yearly&code=${'C'.repeat(101)}`, {
      'billing.plans': () => ({ data: [proMonthly, proYearly] }),
      'billing.subscription': () => ({ data: null }),
      'billing.createCheckout': createCheckout,
    });
    await waitFor(() => expect(window.location.hash).toBe('#checkout'));
    expect(createCheckout).toHaveBeenCalledWith(expect.not.objectContaining({ promotionCode: expect.anything() }));
    expect(createCheckout).toHaveBeenCalledWith(expect.objectContaining({ priceId: proYearly.priceId }));
  });

  it('offers no code to a subscriber, who changes plan instead', async () => {
    window.localStorage.setItem('subkit.token', 'token_abc');
    start('/pricing', {
      'billing.plans': () => ({ data: [proMonthly, starterMonthly] }),
      'billing.subscription': () => ({ data: activeSubscription }),
    });
    await screen.findByRole('button', { name: 'Change plan to Starter monthly' });
    expect(screen.queryByLabelText('Promotion code')).toBeNull();
  });
});
