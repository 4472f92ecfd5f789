import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Collection, Store } from '../src/store';
import { apiFetch, eventsSince, startTestEmulator, subscribe, type TestEmulator } from './helpers';

let directory: string;
let dataDir: string;
let statePath: string;
const running: TestEmulator[] = [];

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'stripe-emulator-state-'));
  dataDir = join(directory, 'data');
  statePath = join(dataDir, 'stripe-emulator.json');
});
afterEach(async () => {
  await Promise.all(running.splice(0).map(({ emulator }) => emulator.close()));
  await rm(directory, { recursive: true, force: true });
});

async function start(options: { webhookSecret?: string } = {}): Promise<TestEmulator> {
  const started = await startTestEmulator({ dataDir, ...options });
  running.push(started);
  return started;
}

async function restart(previous: TestEmulator): Promise<TestEmulator> {
  await previous.emulator.close();
  return start();
}

describe('state file', () => {
  it('keeps objects, the API key, the webhook secret and the clock across a restart', async () => {
    const first = await start();
    const customer = await first.stripe.customers.create({ email: 'kept@example.com', metadata: { userId: 'u1' } });
    const subscription = await subscribe(first, { customer: customer.id, customer_email: undefined });
    await first.emulator.advanceClock(3600);
    const { lastResponse: _first, ...stored } = await first.stripe.customers.retrieve(customer.id);
    const clockBefore = first.emulator.now();

    const second = await restart(first);

    expect(second.emulator.secretKey).toBe(first.emulator.secretKey);
    expect(second.emulator.webhookSecret).toBe(first.emulator.webhookSecret);
    expect(second.emulator.now()).toBeGreaterThanOrEqual(clockBefore);
    const { lastResponse: _second, ...restored } = await second.stripe.customers.retrieve(customer.id);
    expect(restored).toEqual(stored);
    expect(await second.stripe.subscriptions.retrieve(subscription.id)).toMatchObject({
      id: subscription.id,
      status: 'active',
      customer: customer.id,
    });
    const portal = await second.stripe.billingPortal.sessions.create({ customer: customer.id });
    expect(portal.customer).toBe(customer.id);
  });

  it('gives objects created after a restart new ids and keeps events in order', async () => {
    const first = await start();
    const before = await first.stripe.customers.create({ email: 'before@example.com' });
    const eventsBefore = await eventsSince(first.stripe, undefined);

    const second = await restart(first);
    const after = await second.stripe.customers.create({ email: 'after@example.com' });

    expect(after.id).not.toBe(before.id);
    const listed = await second.stripe.customers.list({ limit: 100 });
    expect(listed.data.map((entry) => entry.id)).toEqual([after.id, before.id]);
    const events = await eventsSince(second.stripe, undefined);
    expect(events.map((event) => event.id)).toEqual([...eventsBefore.map((event) => event.id), events.at(-1)?.id]);
    expect(events.at(-1)).toMatchObject({ type: 'customer.created', data: { object: { id: after.id } } });
  });

  it('replays an idempotent request made before the restart', async () => {
    const first = await start();
    const created = await first.stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: 'k-1' });

    const second = await restart(first);
    const retried = await second.stripe.customers.create({ email: 'once@example.com' }, { idempotencyKey: 'k-1' });

    expect(retried.id).toBe(created.id);
    expect(retried.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  it('keeps a deleted customer deleted', async () => {
    const first = await start();
    const customer = await first.stripe.customers.create({ email: 'deleted@example.com' });
    await first.stripe.customers.del(customer.id);

    const second = await restart(first);

    expect(await second.stripe.customers.retrieve(customer.id)).toMatchObject({ id: customer.id, deleted: true });
    const portal = await apiFetch(second.emulator, 'POST', '/v1/billing_portal/sessions', `customer=${customer.id}`);
    expect(portal.status).toBe(400);
  });

  it('saves shortly after a change, without waiting for close', async () => {
    const { stripe } = await start();
    const customer = await stripe.customers.create({ email: 'soon@example.com' });
    const deadline = Date.now() + 20_000;
    while (!(await readFile(statePath, 'utf8').catch(() => '')).includes(customer.id)) {
      if (Date.now() > deadline) throw new Error('the state file never got the new customer');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it('lets a configured webhook secret win over the saved one', async () => {
    const first = await start();
    await first.emulator.close();
    const second = await start({ webhookSecret: 'whsec_configured' });
    expect(second.emulator.webhookSecret).toBe('whsec_configured');
    expect(second.emulator.secretKey).toBe(first.emulator.secretKey);
  });

  it('refuses a state file it cannot read rather than starting empty', async () => {
    await start().then(({ emulator }) => emulator.close());
    await writeFile(statePath, '{"format": 99}');
    await expect(start()).rejects.toThrow(/format 99/);
  });
});

describe('store snapshot', () => {
  it('saves and restores collections, maps and sets it was not told about', () => {
    class GrownStore extends Store {
      readonly giftCards = new Collection<{ id: string; balance: number }>();
      readonly notes = new Map<string, string>();
    }
    const original = new GrownStore();
    original.giftCards.insert({ id: 'gc_1', balance: 10 });
    original.giftCards.insert({ id: 'gc_2', balance: 20 });
    original.notes.set('gc_1', 'first');
    original.failingRenewals.add('sub_1');

    const restored = new GrownStore();
    restored.restore(JSON.parse(JSON.stringify(original.snapshot())));

    expect(restored.giftCards.newestFirst().map((card) => card.id)).toEqual(['gc_2', 'gc_1']);
    expect(restored.notes.get('gc_1')).toBe('first');
    expect(restored.failingRenewals.has('sub_1')).toBe(true);
  });
});
