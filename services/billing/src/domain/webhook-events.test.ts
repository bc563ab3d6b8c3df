import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MalformedStripeObjectError } from './stripe-state.ts';
import { actionOf, HANDLED_EVENT_TYPES, needsRefetch } from './webhook-events.ts';

const subscription = {
  id: 'sub_1',
  customer: { id: 'cus_1' },
  status: 'past_due',
  cancel_at_period_end: false,
  canceled_at: null,
  metadata: { planId: 'p', ignored: 3 },
  items: { data: [{ price: { id: 'price_1' }, current_period_start: 100, current_period_end: 200 }] },
};
const event = (type: string, object: unknown) => ({ id: 'evt_1', type, created: 1000, data: { object } });

test('the ordering rule: only strictly newer events apply as-is', () => {
  assert.equal(needsRefetch(null, 1000), false, 'first event for a subscription');
  assert.equal(needsRefetch(new Date(999_000), 1000), false);
  assert.equal(needsRefetch(new Date(1_000_000), 1000), true, 'same second: unordered, re-fetch');
  assert.equal(needsRefetch(new Date(1_001_000), 1000), true, 'older');
});

test('subscription events carry normalised state (periods from the items, customer id from an object)', () => {
  const action = actionOf(event('customer.subscription.updated', subscription));
  assert.deepEqual(action, {
    kind: 'subscription',
    state: {
      id: 'sub_1',
      customerId: 'cus_1',
      status: 'past_due',
      priceId: 'price_1',
      currentPeriodStart: 100,
      currentPeriodEnd: 200,
      cancelAtPeriodEnd: false,
      canceledAt: null,
      metadata: { planId: 'p' },
    },
  });
  assert.throws(
    () => actionOf(event('customer.subscription.updated', { ...subscription, status: 'weird' })),
    MalformedStripeObjectError,
  );
  assert.throws(() => actionOf(event('customer.subscription.deleted', null)), MalformedStripeObjectError);
});

test('invoices re-fetch their subscription (old and 2025+ shapes); other checkouts do nothing', () => {
  assert.deepEqual(actionOf(event('invoice.paid', { subscription: 'sub_9' })), {
    kind: 'refetch',
    subscriptionId: 'sub_9',
  });
  assert.deepEqual(
    actionOf(
      event('invoice.payment_failed', { parent: { subscription_details: { subscription: 'sub_8' } } }),
    ),
    { kind: 'refetch', subscriptionId: 'sub_8' },
  );
  assert.deepEqual(actionOf(event('invoice.paid', { subscription: null })), { kind: 'none' });
  assert.deepEqual(actionOf(event('checkout.session.completed', { id: 'cs_1', mode: 'payment' })), {
    kind: 'none',
  });
  assert.equal(HANDLED_EVENT_TYPES.has('customer.created'), false);
});
