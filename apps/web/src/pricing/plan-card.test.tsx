import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { proMonthly, proYearly } from '../test-helpers';
import { PlanCard } from './plan-card';

function renderCard(props: Partial<Parameters<typeof PlanCard>[0]> = {}) {
  const onChoose = vi.fn();
  render(
    <PlanCard
      plan={proMonthly}
      action="subscribe"
      onChoose={onChoose}
      redirecting={false}
      disabled={false}
      {...props}
    />,
  );
  return { onChoose };
}

describe('PlanCard', () => {
  it('shows the product, the price and the interval in a card named after the plan', () => {
    renderCard();
    const card = screen.getByRole('article', { name: 'Pro $29.00 per month' });
    expect(within(card).getByRole('heading', { name: 'Pro' })).toBeTruthy();
    expect(within(card).getByText('$29.00')).toBeTruthy();
    expect(within(card).getByText('per month')).toBeTruthy();
  });

  it('subscribes to its own plan', () => {
    const { onChoose } = renderCard();
    const button = screen.getByRole('button', { name: 'Subscribe to Pro monthly' });
    expect(button.textContent).toBe('Subscribe');
    fireEvent.click(button);
    expect(onChoose).toHaveBeenCalledWith(proMonthly);
  });

  it('says it is redirecting and cannot be clicked twice', () => {
    const { onChoose } = renderCard({ redirecting: true });
    const button = screen.getByRole('button', { name: 'Redirecting to checkout…' });
    expect(button.textContent).toBe('Redirecting…');
    expect(button).toHaveProperty('disabled', true);
    fireEvent.click(button);
    expect(onChoose).not.toHaveBeenCalled();
  });

  it('is disabled while another plan redirects', () => {
    renderCard({ disabled: true });
    expect(screen.getByRole('button', { name: 'Subscribe to Pro monthly' })).toHaveProperty('disabled', true);
  });

  it('marks the plan subscribed to, with nothing to click', () => {
    renderCard({ action: 'current' });
    const card = screen.getByRole('article', { name: 'Pro $29.00 per month' });
    expect(within(card).getByText('Current plan')).toBeTruthy();
    expect(within(card).queryByRole('button')).toBeNull();
  });

  it('offers a subscriber a plan change instead of a second checkout', () => {
    const { onChoose } = renderCard({ action: 'change' });
    expect(screen.queryByRole('button', { name: /Subscribe/ })).toBeNull();
    const button = screen.getByRole('button', { name: 'Change plan to Pro monthly' });
    expect(button.textContent).toBe('Change plan');
    fireEvent.click(button);
    expect(onChoose).toHaveBeenCalledWith(proMonthly);
  });
});

describe('PlanCard, from the product in Stripe', () => {
  it("shows the product's description and its features as a list", () => {
    renderCard();
    expect(screen.getByText(proMonthly.productDescription ?? '')).toBeTruthy();
    const features = screen.getByRole('list', { name: 'Pro includes' });
    expect(
      within(features)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(proMonthly.features);
  });

  it('states the yearly saving on a yearly plan only', () => {
    const { unmount } = render(
      <PlanCard
        plan={proYearly}
        action="subscribe"
        onChoose={vi.fn()}
        redirecting={false}
        disabled={false}
        yearlySaving={17}
      />,
    );
    expect(screen.getByText('Save 17%')).toBeTruthy();
    unmount();
    renderCard({ yearlySaving: 17 });
    expect(screen.queryByText(/Save/)).toBeNull();
  });
});
