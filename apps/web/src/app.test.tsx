import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './app';
import {
  activeSubscription,
  type FakeResult,
  fakeTrpcServer,
  proMonthly,
  proYearly,
  starterMonthly,
} from './test-helpers';

const session = {
  token: 'token_abc',
  expiresAt: '2031-01-01T00:00:00.000Z',
  user: { id: 'user_1', email: 'ada@example.com' },
};

function start(url: string, handlers: Parameters<typeof fakeTrpcServer>[0], token?: string) {
  window.history.replaceState(null, '', url);
  if (token) window.localStorage.setItem('subkit.token', token);
  const server = fakeTrpcServer(handlers);
  vi.stubGlobal('fetch', server);
  render(<App />);
  return server;
}

beforeEach(() => {
  window.localStorage.clear();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('App', () => {
  it('shows the plans and the cancelled-checkout notice', async () => {
    start('/pricing?checkout=cancelled', { 'billing.plans': () => ({ data: [proMonthly] }) });
    expect((await screen.findByRole('status')).textContent).toContain('Checkout cancelled');
    expect(await screen.findByRole('button', { name: 'Subscribe to Pro monthly' })).toBeTruthy();
  });

  it('has one status region while the plans load: the notice, not both', async () => {
    window.history.replaceState(null, '', '/pricing?checkout=cancelled');
    const server = fakeTrpcServer({ 'billing.plans': () => ({ data: [proMonthly] }) });
    let answer = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    // The server holds its answer until the test has looked at the loading page.
    vi.stubGlobal('fetch', async (...args: Parameters<typeof server>) => {
      await answered;
      return server(...args);
    });
    render(<App />);
    await screen.findByRole('heading', { name: 'Pricing', level: 1 });
    expect(screen.getAllByRole('status').map((status) => status.textContent)).toEqual([
      'Checkout cancelled — you have not been charged.',
    ]);
    answer();
    await screen.findByRole('article', { name: 'Pro $29.00 per month' });
    expect(screen.getAllByRole('status')).toHaveLength(1);
  });

  it('shows each product once, monthly until switched to yearly, with the yearly saving', async () => {
    start('/pricing', { 'billing.plans': () => ({ data: [starterMonthly, proMonthly, proYearly] }) });
    await screen.findByRole('article', { name: 'Pro $29.00 per month' });
    expect(screen.getAllByRole('heading', { level: 2 }).map((heading) => heading.textContent)).toEqual([
      'Starter',
      'Pro',
    ]);
    const yearly = screen.getByRole('switch', { name: 'Bill yearly' });
    expect(yearly.getAttribute('aria-checked')).toBe('false');
    expect(screen.getByText('Save up to 17%')).toBeTruthy();

    fireEvent.click(yearly);
    expect(yearly.getAttribute('aria-checked')).toBe('true');
    const pro = screen.getByRole('article', { name: 'Pro $290.00 per year' });
    expect(within(pro).getByText('Save 17%')).toBeTruthy();
    // Starter is sold monthly only: it stays as it is.
    expect(screen.getByRole('article', { name: 'Starter $9.00 per month' })).toBeTruthy();
    expect(screen.getAllByRole('article')).toHaveLength(2);
  });

  it('signs in, remembers the session and goes to the plans', async () => {
    const server = start('/signin', {
      'auth.signIn': () => ({ data: session }),
      'billing.subscription': () => ({ data: null }),
      'billing.plans': () => ({ data: [proMonthly] }),
    });
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    await screen.findByRole('heading', { name: 'Pricing', level: 1 });
    expect(window.location.pathname).toBe('/pricing');
    expect(window.localStorage.getItem('subkit.token')).toBe('token_abc');
    expect(screen.getByText('ada@example.com')).toBeTruthy();
    const [, lastCall] = server.mock.calls.at(-1) ?? [];
    expect(new Headers(lastCall?.headers).get('authorization')).toBe('Bearer token_abc');
  });

  it("shows the server's refusal of a sign-in", async () => {
    start('/signin', { 'auth.signIn': () => ({ error: 'UNAUTHORIZED', message: 'Invalid email or password' }) });
    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'wrong password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Invalid email or password');
    expect(window.location.pathname).toBe('/signin');
  });

  it('starts checkout with the success and cancel URLs, then leaves for Stripe', async () => {
    const createCheckout = vi.fn(
      (): FakeResult => ({ data: { sessionId: 'cs_test_1', url: `${window.location.origin}/pricing#checkout` } }),
    );
    start(
      '/pricing',
      {
        'auth.me': () => ({ data: session.user }),
        'billing.plans': () => ({ data: [proMonthly] }),
        'billing.createCheckout': createCheckout,
      },
      'token_abc',
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Subscribe to Pro monthly' }));
    await waitFor(() => expect(window.location.hash).toBe('#checkout'));
    expect(createCheckout).toHaveBeenCalledWith({
      priceId: proMonthly.priceId,
      successUrl: `${window.location.origin}/dashboard?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${window.location.origin}/pricing?checkout=cancelled`,
    });
    expect(screen.getByRole('button', { name: 'Redirecting to checkout…' })).toHaveProperty('disabled', true);
  });

  it('confirms a new subscription by polling until the webhook has recorded it', async () => {
    const answers = [null, null, activeSubscription];
    start(
      '/dashboard?checkout=success',
      {
        'auth.me': () => ({ data: session.user }),
        'billing.subscription': () => ({ data: answers.length > 1 ? answers.shift() : answers[0] }),
      },
      'token_abc',
    );
    expect((await screen.findByRole('status')).textContent).toBe('Confirming your subscription…');
    expect(await screen.findByText('active', {}, { timeout: 5_000 })).toBeTruthy();
    expect(screen.getByText('Pro')).toBeTruthy();
    expect(screen.queryByText('Confirming your subscription…')).toBeNull();
  });

  it('shows the subscription as soon as the server has synced the checkout session, without its webhook', async () => {
    const syncCheckout = vi.fn((): FakeResult => ({ data: activeSubscription }));
    start(
      '/dashboard?checkout=success&session_id=cs_test_returning',
      {
        'auth.me': () => ({ data: session.user }),
        // The webhook never lands: only the sync can show the subscription.
        'billing.subscription': () => ({ data: null }),
        'billing.syncCheckout': syncCheckout,
      },
      'token_abc',
    );
    expect(await screen.findByText('active', {}, { timeout: 5_000 })).toBeTruthy();
    expect(syncCheckout).toHaveBeenCalledTimes(1);
    expect(syncCheckout).toHaveBeenCalledWith({ sessionId: 'cs_test_returning' });
    expect(screen.queryByText('Confirming your subscription…')).toBeNull();
  });

  it('keeps polling when the sync cannot settle the checkout', async () => {
    const answers = [null, null, activeSubscription];
    start(
      '/dashboard?checkout=success&session_id=cs_test_someone_elses',
      {
        'auth.me': () => ({ data: session.user }),
        'billing.subscription': () => ({ data: answers.length > 1 ? answers.shift() : answers[0] }),
        'billing.syncCheckout': () => ({ error: 'NOT_FOUND', message: 'Checkout session not found' }),
      },
      'token_abc',
    );
    expect((await screen.findByRole('status')).textContent).toBe('Confirming your subscription…');
    expect(await screen.findByText('active', {}, { timeout: 5_000 })).toBeTruthy();
  });

  it('keeps the plan chosen while signed out through sign-up, then goes straight to its checkout', async () => {
    const createCheckout = vi.fn(
      (): FakeResult => ({ data: { sessionId: 'cs_test_1', url: `${window.location.origin}/pricing#checkout` } }),
    );
    start('/pricing', {
      'auth.signUp': () => ({ data: session }),
      'auth.me': () => ({ data: session.user }),
      'billing.plans': () => ({ data: [proMonthly, proYearly] }),
      'billing.subscription': () => ({ data: null }),
      'billing.createCheckout': createCheckout,
    });
    fireEvent.click(await screen.findByRole('switch', { name: 'Bill yearly' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Subscribe to Pro yearly' }));
    await screen.findByRole('heading', { name: 'Create your account', level: 1 });
    expect(window.location.pathname + window.location.search).toBe('/signup?plan=price_pro_yearly');
    // Switching to sign-in and back keeps the plan too.
    expect(within(screen.getByRole('main')).getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe(
      '/signin?plan=price_pro_yearly',
    );

    fireEvent.change(await screen.findByLabelText('Email'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'correct horse' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));

    await waitFor(() => expect(window.location.hash).toBe('#checkout'));
    expect(createCheckout).toHaveBeenCalledTimes(1);
    expect(createCheckout).toHaveBeenCalledWith(expect.objectContaining({ priceId: proYearly.priceId }));
    expect(window.location.search).toBe('');
  });

  it('has an account menu with the email, the dashboard and signing out', async () => {
    const signOut = vi.fn((): FakeResult => ({ data: null }));
    start(
      '/pricing',
      {
        'auth.me': () => ({ data: session.user }),
        'auth.signOut': signOut,
        'billing.plans': () => ({ data: [proMonthly] }),
        'billing.subscription': () => ({ data: null }),
      },
      'token_abc',
    );
    const trigger = await screen.findByRole('button', { name: 'Account menu: ada@example.com' });
    fireEvent.keyDown(trigger, { key: 'Enter' });
    const menu = await screen.findByRole('menu');
    expect(within(menu).getByText('ada@example.com')).toBeTruthy();
    expect(within(menu).getByRole('menuitem', { name: 'Dashboard' }).getAttribute('href')).toBe('/dashboard');

    fireEvent.click(within(menu).getByRole('menuitem', { name: 'Sign out' }));
    await screen.findByRole('heading', { name: 'Sign in', level: 1 });
    expect(signOut).toHaveBeenCalledTimes(1);
    expect(window.localStorage.getItem('subkit.token')).toBeNull();
    expect(screen.queryByRole('button', { name: /Account menu/ })).toBeNull();
  });

  it('shows the not-found page, titled, for an unknown address', async () => {
    start('/no-such-page', {});
    await screen.findByRole('heading', { name: 'Page not found', level: 1 });
    await waitFor(() => expect(document.title).toBe('Page not found · Subkit'));
  });

  it('forgets an expired session and asks to sign in again', async () => {
    const expired = (): FakeResult => ({ error: 'UNAUTHORIZED', message: 'Your session has expired' });
    start('/dashboard', { 'auth.me': expired, 'billing.subscription': expired }, 'token_stale');
    await screen.findByRole('heading', { name: 'Sign in', level: 1 });
    expect(window.location.pathname).toBe('/signin');
    expect(window.localStorage.getItem('subkit.token')).toBeNull();
  });
});
