import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grantsOf, lifecycleOf, planAccessOf, plansOf, type SubscriptionFacts } from './access-rules.ts';

const planA = '0190a1b2-0000-7000-8000-00000000000a';
const planB = '0190a1b2-0000-7000-8000-00000000000b';
const periodEnd = new Date('2026-12-01T00:00:00Z');
const grace = 3 * 24 * 3600;
const sub = (over: Partial<SubscriptionFacts>): SubscriptionFacts => ({
  planId: planA,
  status: 'active',
  currentPeriodEnd: periodEnd,
  cancelAtPeriodEnd: false,
  pastDueSince: null,
  ...over,
});

test('active and trialing grant without end; cancel_at_period_end grants until the period ends', () => {
  assert.deepEqual(planAccessOf(sub({}), grace), { planId: planA, until: null });
  assert.deepEqual(planAccessOf(sub({ status: 'trialing' }), grace), { planId: planA, until: null });
  assert.deepEqual(planAccessOf(sub({ cancelAtPeriodEnd: true }), grace), {
    planId: planA,
    until: periodEnd.getTime(),
  });
});

test('past_due grants for the tenant grace from the start of the stretch', () => {
  const since = new Date('2026-11-20T00:00:00Z');
  assert.deepEqual(planAccessOf(sub({ status: 'past_due', pastDueSince: since }), grace), {
    planId: planA,
    until: since.getTime() + grace * 1000,
  });
  // cancel at period end cuts the grace short
  const cut = planAccessOf(
    sub({ status: 'past_due', pastDueSince: since, cancelAtPeriodEnd: true, currentPeriodEnd: since }),
    grace,
  );
  assert.equal(cut?.until, since.getTime());
});

test('every other status denies', () => {
  for (const status of ['canceled', 'unpaid', 'paused', 'incomplete', 'incomplete_expired'] as const) {
    assert.equal(planAccessOf(sub({ status }), grace), null, status);
  }
});

test('plans merge per plan, most generous wins, sorted; lifecycle follows the statuses', () => {
  const plans = plansOf(
    [
      sub({ planId: planB, cancelAtPeriodEnd: true }),
      sub({ planId: planA, status: 'canceled' }),
      sub({ planId: planB }),
    ],
    grace,
  );
  assert.deepEqual(plans, [{ planId: planB, until: null }]);
  assert.equal(lifecycleOf([]), 'none');
  assert.equal(lifecycleOf([sub({ status: 'incomplete' })]), 'none');
  assert.equal(lifecycleOf([sub({ status: 'canceled' }), sub({ status: 'active' })]), 'active');
  assert.equal(lifecycleOf([sub({ status: 'past_due' })]), 'payment_failed');
  assert.equal(lifecycleOf([sub({ status: 'canceled' })]), 'ended');
});

test("a suspended subscriber is granted nothing; lifting the suspension restores the subscriptions' grants", () => {
  const subscriptions = [sub({}), sub({ planId: planB, status: 'trialing' })];
  assert.deepEqual(grantsOf(subscriptions, grace, new Date('2026-11-30T00:00:00Z')), {
    plans: [],
    lifecycle: 'none',
  });
  assert.deepEqual(grantsOf(subscriptions, grace, null), {
    plans: [
      { planId: planA, until: null },
      { planId: planB, until: null },
    ],
    lifecycle: 'active',
  });
});
