import { applyConnectState, type ConnectOutcome } from './connect-state.ts';
import type { StripeGateway } from './stripe.port.ts';
import type { SubscriptionSyncRepository, SubscriptionSyncStore } from './subscription-sync.port.ts';
import {
  type ApplyOutcome,
  applySubscriptionState,
  isUuidLike,
  linkSubscriber,
} from './subscription-sync.ts';
import { actionOf, HANDLED_EVENT_TYPES, type StripeEventLike, type WebhookAction } from './webhook-events.ts';

export type ProcessResult =
  | { result: 'ignored' }
  | { result: 'duplicate' }
  | { result: 'processed'; outcome: ApplyOutcome | ConnectOutcome | { outcome: 'none' } };

/**
 * Applies one verified event. The ledger row, the state change and the outbox rows commit in one
 * transaction: a crash between them is impossible, and a duplicate delivery (Stripe retries,
 * replays, two deliveries racing) finds the ledger row — or waits on its lock — and does nothing.
 */
export async function processEvent(
  store: SubscriptionSyncStore,
  gateway: StripeGateway,
  event: StripeEventLike,
): Promise<ProcessResult> {
  if (!HANDLED_EVENT_TYPES.has(event.type)) return { result: 'ignored' };
  // Parse before opening the transaction: a malformed object is the sender's fault (400).
  const action = actionOf(event);
  const account = event.account ?? null;
  return store.withTransaction(async (repo) => {
    const recorded = await repo.recordEvent({
      id: event.id,
      type: event.type,
      account,
      created: new Date(event.created * 1000),
    });
    if (!recorded) return { result: 'duplicate' } as const;
    const outcome = await apply(repo, gateway, action, event, account);
    return { result: 'processed', outcome } as const;
  });
}

async function apply(
  repo: SubscriptionSyncRepository,
  gateway: StripeGateway,
  action: WebhookAction,
  event: StripeEventLike,
  account: string | null,
): Promise<ApplyOutcome | ConnectOutcome | { outcome: 'none' }> {
  switch (action.kind) {
    case 'none':
      return { outcome: 'none' };
    case 'account':
      return applyConnectState(repo, gateway, action.state, event.created);
    case 'subscription':
      return applySubscriptionState(repo, gateway, {
        state: action.state,
        observedAt: event.created,
        source: 'event',
        account,
      });
    case 'refetch': {
      const state = await gateway.retrieveSubscription(action.subscriptionId, account);
      return applySubscriptionState(repo, gateway, {
        state,
        observedAt: nowSeconds(),
        source: 'fetched',
        account,
      });
    }
    case 'checkout': {
      if (!action.subscriptionId) return { outcome: 'none' };
      const state = await gateway.retrieveSubscription(action.subscriptionId, account);
      const tenantId = await tenantOf(repo, account, action.metadata.tenantId);
      if (!tenantId) return { outcome: 'unmapped', reason: 'no tenant for checkout session' };
      const subscriberId = await linkSubscriber(repo, gateway, {
        tenantId,
        account,
        customerId: action.customerId ?? state.customerId,
        subscriberId: action.clientReferenceId ?? action.metadata.subscriberId,
        email: action.email,
      });
      if (!subscriberId) return { outcome: 'unmapped', reason: 'checkout session without customer e-mail' };
      return applySubscriptionState(repo, gateway, {
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
  repo: SubscriptionSyncRepository,
  account: string | null,
  metadataTenantId: string | undefined,
): Promise<string | null> {
  if (account) return repo.findTenantByAccount(account);
  return isUuidLike(metadataTenantId) ? repo.findPlatformTenant(metadataTenantId) : null;
}
