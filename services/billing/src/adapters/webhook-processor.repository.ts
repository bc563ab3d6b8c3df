import type { PrismaClient } from '@gatehouse/db';
import { actionOf, HANDLED_EVENT_TYPES, type StripeEventLike } from '../domain/webhook-events.ts';
import type { StripeGateway } from './stripe-gateway.ts';
import {
  type ApplyOutcome,
  applySubscriptionState,
  linkSubscriber,
  type Tx,
} from './subscription-sync.repository.ts';

export type ProcessResult =
  | { result: 'ignored' }
  | { result: 'duplicate' }
  | { result: 'processed'; outcome: ApplyOutcome | { outcome: 'none' } };

/**
 * Applies one verified event. The ledger row, the state change and the outbox rows commit in one
 * transaction: a crash between them is impossible, and a duplicate delivery (Stripe retries,
 * replays, two deliveries racing) finds the ledger row — or waits on its lock — and does nothing.
 */
export async function processEvent(
  prisma: PrismaClient,
  gateway: StripeGateway,
  event: StripeEventLike,
): Promise<ProcessResult> {
  if (!HANDLED_EVENT_TYPES.has(event.type)) return { result: 'ignored' };
  // Parse before opening the transaction: a malformed object is the sender's fault (400).
  const action = actionOf(event);
  const account = event.account ?? null;
  return prisma.$transaction(
    async (tx) => {
      const inserted = await tx.$executeRaw`
        INSERT INTO processed_webhooks (stripe_event_id, type, account, created_at)
        VALUES (${event.id}, ${event.type}, ${account}, ${new Date(event.created * 1000)})
        ON CONFLICT (stripe_event_id) DO NOTHING`;
      if (inserted === 0) return { result: 'duplicate' } as const;
      const outcome = await apply(tx, gateway, action, event, account);
      return { result: 'processed', outcome } as const;
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}

async function apply(
  tx: Tx,
  gateway: StripeGateway,
  action: ReturnType<typeof actionOf>,
  event: StripeEventLike,
  account: string | null,
): Promise<ApplyOutcome | { outcome: 'none' }> {
  switch (action.kind) {
    case 'none':
      return { outcome: 'none' };
    case 'subscription':
      return applySubscriptionState(tx, gateway, {
        state: action.state,
        observedAt: event.created,
        source: 'event',
        account,
      });
    case 'refetch': {
      const state = await gateway.retrieveSubscription(action.subscriptionId, account);
      return applySubscriptionState(tx, gateway, {
        state,
        observedAt: nowSeconds(),
        source: 'fetched',
        account,
      });
    }
    case 'checkout': {
      if (!action.subscriptionId) return { outcome: 'none' };
      const state = await gateway.retrieveSubscription(action.subscriptionId, account);
      const tenantId = await tenantOf(tx, account, action.metadata.tenantId);
      if (!tenantId) return { outcome: 'unmapped', reason: 'no tenant for checkout session' };
      const subscriberId = await linkSubscriber(tx, gateway, {
        tenantId,
        account,
        customerId: action.customerId ?? state.customerId,
        subscriberId: action.clientReferenceId ?? action.metadata.subscriberId,
        email: action.email,
      });
      if (!subscriberId) return { outcome: 'unmapped', reason: 'checkout session without customer e-mail' };
      return applySubscriptionState(tx, gateway, {
        state,
        observedAt: nowSeconds(),
        source: 'fetched',
        account,
        subscriberId,
      });
    }
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A connected account names its tenant; on the platform account our checkout metadata does. */
async function tenantOf(
  tx: Tx,
  account: string | null,
  metadataTenantId: string | undefined,
): Promise<string | null> {
  if (account) {
    const tenant = await tx.tenant.findUnique({ where: { stripeAccountId: account }, select: { id: true } });
    return tenant?.id ?? null;
  }
  if (!metadataTenantId || !/^[0-9a-f-]{36}$/i.test(metadataTenantId)) return null;
  const tenant = await tx.tenant.findFirst({
    where: { id: metadataTenantId, stripeAccountId: null },
    select: { id: true },
  });
  return tenant?.id ?? null;
}
