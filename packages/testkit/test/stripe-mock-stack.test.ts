import assert from 'node:assert/strict';
import { test } from 'node:test';
import Stripe from 'stripe';
import { stackEnv } from '../src/index.ts';

test('stripe-mock answers the stripe SDK: create and fetch a customer', async () => {
  const { stripe: cfg } = stackEnv();
  const stripe = new Stripe(cfg.secretKey, { host: cfg.host, port: cfg.port, protocol: cfg.protocol });
  const customer = await stripe.customers.create({ email: 'listener@example.com', name: 'Listener' });
  assert.match(customer.id, /^cus_/);
  assert.equal(customer.object, 'customer');
  const fetched = await stripe.customers.retrieve(customer.id);
  assert.equal(fetched.object, 'customer');
  await assert.rejects(
    new Stripe('not-a-key', { host: cfg.host, port: cfg.port, protocol: cfg.protocol }).customers.list(),
    (error: unknown) => error instanceof Stripe.errors.StripeAuthenticationError,
  );
});
