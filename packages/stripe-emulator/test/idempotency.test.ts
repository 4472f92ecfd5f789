import { beforeEach, describe, expect, it } from 'vitest';
import { Clock } from '../src/clock';
import { IdempotencyCache } from '../src/idempotency';
import { apiFetch, emulatorForFile } from './helpers';

const t = emulatorForFile();
beforeEach(() => t.emulator.setLatency(0));

const customersWithTag = async (tag: string) =>
  (await t.stripe.customers.list({ limit: 100 })).data.filter((c) => c.metadata.tag === tag);

describe('Idempotency-Key', () => {
  it('replays the first response byte for byte', async () => {
    const headers = { 'Idempotency-Key': 'replay-1' };
    const first = await apiFetch(
      t.emulator,
      'POST',
      '/v1/customers',
      'email=once%40example.com&metadata[tag]=replay',
      headers,
    );
    const second = await apiFetch(
      t.emulator,
      'POST',
      '/v1/customers',
      'email=once%40example.com&metadata[tag]=replay',
      headers,
    );
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await second.text()).toBe(await first.text());
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('original-request')).toBe(first.headers.get('request-id'));
    expect(await customersWithTag('replay')).toHaveLength(1);
  });

  it('treats reordered parameters as the same request', async () => {
    const headers = { 'Idempotency-Key': 'reorder-1' };
    await apiFetch(t.emulator, 'POST', '/v1/customers', 'name=A&metadata[tag]=reorder', headers);
    const again = await apiFetch(t.emulator, 'POST', '/v1/customers', 'metadata[tag]=reorder&name=A', headers);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('rejects the same key with different parameters as idempotency_error', async () => {
    const headers = { 'Idempotency-Key': 'mismatch-1' };
    await apiFetch(t.emulator, 'POST', '/v1/customers', 'email=first%40example.com', headers);
    const response = await apiFetch(t.emulator, 'POST', '/v1/customers', 'email=second%40example.com', headers);
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { type: string; message: string } };
    expect(error.type).toBe('idempotency_error');
    expect(error.message).toMatch(/same parameters/);
  });

  it('rejects keys longer than 255 characters', async () => {
    const response = await apiFetch(t.emulator, 'POST', '/v1/customers', 'email=x%40example.com', {
      'Idempotency-Key': 'k'.repeat(256),
    });
    expect(response.status).toBe(400);
  });

  it('does not save a rejected request, so a corrected retry with the same key succeeds', async () => {
    const headers = { 'Idempotency-Key': 'fix-and-retry' };
    const bad = await apiFetch(t.emulator, 'POST', '/v1/customers', `metadata[${'k'.repeat(41)}]=1`, headers);
    expect(bad.status).toBe(400);
    // Had the 400 been saved, different parameters under the same key would be an idempotency_error.
    const good = await apiFetch(t.emulator, 'POST', '/v1/customers', 'metadata[tag]=fixed', headers);
    expect(good.status).toBe(200);
    expect(good.headers.get('idempotent-replayed')).toBeNull();
  });

  it('turns 50 concurrent identical requests into one object, all answered identically', async () => {
    // Latency keeps the first request in flight while the other 49 arrive; they queue behind it.
    t.emulator.setLatency(100);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        apiFetch(t.emulator, 'POST', '/v1/customers', 'email=burst%40example.com&metadata[tag]=burst', {
          'Idempotency-Key': 'burst-1',
        }),
      ),
    );
    const bodies = await Promise.all(responses.map((response) => response.text()));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(new Set(bodies).size).toBe(1);
    expect(responses.filter((response) => response.headers.get('idempotent-replayed') === 'true')).toHaveLength(49);
    t.emulator.setLatency(0);
    expect(await customersWithTag('burst')).toHaveLength(1);
  });

  it('makes the SDK idempotency option safe to repeat', async () => {
    const a = await t.stripe.customers.create(
      { email: 'sdk@example.com', metadata: { tag: 'sdk' } },
      { idempotencyKey: 'sdk-key' },
    );
    const b = await t.stripe.customers.create(
      { email: 'sdk@example.com', metadata: { tag: 'sdk' } },
      { idempotencyKey: 'sdk-key' },
    );
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
  });
});

describe('Idempotency-Key expiry', () => {
  const ok = (body: string) => async () => ({ status: 200, body });

  it('forgets keys after 24 hours, oldest first, and keeps younger ones', async () => {
    const clock = new Clock();
    const cache = new IdempotencyCache(clock);
    await cache.run('old', 'a', 'req_1', ok('first'));
    clock.advance(12 * 60 * 60);
    await cache.run('young', 'a', 'req_2', ok('second'));
    clock.advance(12 * 60 * 60 + 1);

    // 'old' is past 24 h: the key is free again, even for other parameters.
    expect(await cache.run('old', 'b', 'req_3', ok('third'))).toEqual({ response: { status: 200, body: 'third' } });
    // 'young' is 12 h old: still replayed.
    expect(await cache.run('young', 'a', 'req_4', ok('unused'))).toEqual({
      response: { status: 200, body: 'second' },
      replayOf: 'req_2',
    });
  });
});
