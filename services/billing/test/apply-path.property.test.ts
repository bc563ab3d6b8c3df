import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { computeSubscriberAccess, type StripeSubscriptionStatus } from '@gatehouse/access-snapshot';
import { createPrismaClient } from '@gatehouse/db';
import { stackEnv } from '@gatehouse/testkit';
import fc from 'fast-check';
import { createSubscriptionSyncStore } from '../src/adapters/subscription-sync.repository.ts';
import type { SubscriptionState } from '../src/domain/stripe-state.ts';
import { processEvent } from '../src/domain/webhook-processor.ts';
import {
  createPlanRow,
  createSubscriber,
  createTenant,
  newSubscriptionId,
  recordedStripe,
  stripeEvent,
  subscriptionObject,
} from './billing-fixtures.ts';

/**
 * Property: whatever order Stripe's events arrive in — reordered, duplicated, replayed — the
 * subscriber's access ends up exactly what a simple model computes from Stripe's final state.
 *
 * Runs through the real apply path (ledger, ordering rule, snapshot, outbox) against Postgres.
 * Re-fetches are answered by a recorded-state double of our StripeGateway holding each
 * subscription's final state: stripe-mock is stateless (it returns fixtures), so it cannot play
 * "Stripe's current state". Fewer runs than a pure property test, since each run hits Postgres.
 */
const prisma = createPrismaClient(stackEnv().databaseUrl, { poolSize: 4 });
after(() => prisma.$disconnect());
const store = createSubscriptionSyncStore(prisma);

const STATUSES: StripeSubscriptionStatus[] = [
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'canceled',
  'unpaid',
  'paused',
];
const GRACE = 2 * 86_400;

const stepArb = fc.record({
  status: fc.constantFrom(...STATUSES),
  cancelAtPeriodEnd: fc.boolean(),
  plan: fc.constantFrom(0, 1),
  /** Seconds since the previous change: 0 makes two changes share Stripe's one-second `created`. */
  gap: fc.constantFrom(0, 1, 2),
  /** Also send an invoice event for this change (it re-fetches instead of carrying state). */
  invoice: fc.boolean(),
});
const lifecycleArb = fc.array(stepArb, { minLength: 1, maxLength: 5 });
const scenarioArb = fc
  .record({ lifecycles: fc.array(lifecycleArb, { minLength: 1, maxLength: 2 }), seed: fc.integer() })
  .chain(({ lifecycles }) => {
    const count = lifecycles.reduce(
      (sum, steps) => sum + steps.length + steps.filter((s) => s.invoice).length,
      0,
    );
    return fc.record({
      lifecycles: fc.constant(lifecycles),
      order: fc.shuffledSubarray(
        Array.from({ length: count }, (_, i) => i),
        { minLength: count, maxLength: count },
      ),
      duplicates: fc.array(fc.record({ event: fc.nat({ max: count - 1 }), at: fc.nat({ max: count }) }), {
        maxLength: 4,
      }),
    });
  });

/** The model: access from final states only, written independently of access-rules.ts. */
function modelAccess(finals: { planId: string; state: SubscriptionState }[]) {
  const plans = new Map<string, number | null>();
  for (const { planId, state } of finals) {
    let until: number | null | undefined;
    if (state.status === 'active' || state.status === 'trialing') until = null;
    else if (state.status === 'past_due') until = (state.currentPeriodStart! + GRACE) * 1000;
    if (until === undefined) continue;
    if (state.cancelAtPeriodEnd)
      until = Math.min(until ?? Number.POSITIVE_INFINITY, state.currentPeriodEnd! * 1000);
    const held = plans.get(planId);
    plans.set(
      planId,
      plans.has(planId) ? (held === null || until === null ? null : Math.max(held!, until)) : until,
    );
  }
  const statuses = finals.map((f) => f.state.status);
  const lifecycle = statuses.some((s) => s === 'active' || s === 'trialing')
    ? 'active'
    : statuses.some((s) => s === 'past_due' || s === 'unpaid')
      ? 'payment_failed'
      : statuses.some((s) => s === 'canceled' || s === 'paused' || s === 'incomplete_expired')
        ? 'ended'
        : 'none';
  return {
    plans: [...plans.entries()]
      .map(([planId, until]) => ({ planId, until }))
      .sort((a, b) => a.planId.localeCompare(b.planId)),
    lifecycle,
  };
}

test('random interleavings of lifecycles end in the model state', { timeout: 600_000 }, async () => {
  const { tenant } = await createTenant(prisma, { graceSeconds: GRACE });
  const plans = [await createPlanRow(prisma, tenant.id), await createPlanRow(prisma, tenant.id)];
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(scenarioArb, async ({ lifecycles, order, duplicates }) => {
      runs++;
      const subscriber = await createSubscriber(prisma, tenant.id);
      const stripe = recordedStripe();
      const events: ReturnType<typeof stripeEvent>[] = [];
      const finals: { planId: string; state: SubscriptionState }[] = [];
      const periodStart = Math.floor(Date.now() / 1000) - 5 * 86_400;
      for (const steps of lifecycles) {
        const id = newSubscriptionId();
        let created = Math.floor(Date.now() / 1000) - 3600;
        let state: SubscriptionState | undefined;
        steps.forEach((step, index) => {
          created += step.gap;
          state = {
            id,
            customerId: subscriber.stripeCustomerId!,
            status: step.status,
            priceId: plans[step.plan]!.stripePriceId,
            currentPeriodStart: periodStart,
            currentPeriodEnd: periodStart + 30 * 86_400,
            cancelAtPeriodEnd: step.cancelAtPeriodEnd,
            canceledAt: step.status === 'canceled' ? created : null,
            metadata: {},
          };
          const type =
            index === 0
              ? 'customer.subscription.created'
              : step.status === 'canceled'
                ? 'customer.subscription.deleted'
                : 'customer.subscription.updated';
          events.push(stripeEvent(type, subscriptionObject(state), { created }));
          if (step.invoice) {
            const invoice = { id: `in_${index}`, object: 'invoice', subscription: id };
            events.push(
              stripeEvent(step.status === 'past_due' ? 'invoice.payment_failed' : 'invoice.paid', invoice, {
                created,
              }),
            );
          }
        });
        stripe.subscriptions.set(id, state!);
        finals.push({ planId: plans[steps.at(-1)!.plan]!.id, state: state! });
      }
      const deliveries = order.map((index) => events[index]!);
      for (const duplicate of duplicates) deliveries.splice(duplicate.at, 0, events[duplicate.event]!);
      for (const event of deliveries) await processEvent(store, stripe.gateway, event);

      const access = await computeSubscriberAccess(prisma, subscriber.id);
      const expected = modelAccess(finals);
      assert.deepEqual({ plans: access?.plans, lifecycle: access?.lifecycle }, expected);
      // Each event id is in the ledger exactly once, however often it was delivered.
      const ledger = await prisma.processedWebhook.count({
        where: { stripeEventId: { in: events.map((e) => e.id) } },
      });
      assert.equal(ledger, new Set(events.map((e) => e.id)).size);
      // The newest snapshot in the outbox is the state we compare (what the projector will store).
      const last = await prisma.outboxMessage.findFirst({
        where: { msgId: { startsWith: `access:${subscriber.id}:` } },
        orderBy: { createdAt: 'desc' },
      });
      if (last) assert.deepEqual((last.payload as { access: unknown }).access, access);
    }),
    { numRuns: 40 },
  );
  assert.equal(runs >= 40, true);
});
