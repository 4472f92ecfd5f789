import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STRIPE_API_VERSION } from '@subkit/stripe-api-version';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeClient } from '../src/stripe/client';

/** What the client puts on the wire, read by a plain HTTP server standing in for api.stripe.com. */
describe('the Stripe client', () => {
  let server: Server;
  let apiBase: string;
  const received: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      received.push(request.headers);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 'cus_wire', object: 'customer' }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('pins the API version and names Subkit on every call', async () => {
    const stripe = createStripeClient({ secretKey: 'sk_test_wire', apiBase, maxNetworkRetries: 0 });
    await stripe.customers.retrieve('cus_wire');

    const headers = received.at(-1);
    expect(headers?.['stripe-version']).toBe(STRIPE_API_VERSION);
    expect(headers?.['user-agent']).toMatch(/ Subkit$/);
    expect(JSON.parse(String(headers?.['x-stripe-client-user-agent']))).toMatchObject({
      application: { name: 'Subkit' },
    });
  });
});
