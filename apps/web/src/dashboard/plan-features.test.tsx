import { fireEvent, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithServer } from '../test-render';
import { PlanFeatures } from './plan-features';

/** The dashboard's part: the subscription it shows, which a webhook may move on. */
function Dashboard() {
  const [status, setStatus] = useState('past_due');
  return (
    <>
      <button type="button" onClick={() => setStatus('canceled')}>
        Lapse
      </button>
      <PlanFeatures status={status} />
    </>
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('PlanFeatures', () => {
  it("lists the current plan's features", async () => {
    renderWithServer(<PlanFeatures status="active" />, {
      'billing.entitlements': () => ({
        data: { subscribed: true, status: 'active', features: ['Unlimited projects', 'Report export'] },
      }),
    });
    const list = await screen.findByRole('list', { name: 'Your plan includes:' });
    expect([...list.querySelectorAll('li')].map((item) => item.textContent)).toEqual([
      'Unlimited projects',
      'Report export',
    ]);
  });

  it('reads the entitlements again when the subscription it shows moves on', async () => {
    let status = 'past_due';
    const entitlements = vi.fn(() => {
      const subscribed = status === 'past_due';
      return { data: { subscribed, status, features: subscribed ? ['Report export'] : [] } };
    });
    renderWithServer(<Dashboard />, { 'billing.entitlements': entitlements });
    await screen.findByRole('list');
    status = 'canceled';
    fireEvent.click(screen.getByRole('button', { name: 'Lapse' }));
    await vi.waitFor(() => expect(screen.queryByRole('list')).toBeNull());
    expect(entitlements).toHaveBeenCalledTimes(2);
  });
});
