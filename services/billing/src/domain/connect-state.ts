import type { ConnectAccountState, StripeGateway } from './stripe.port.ts';
import type { SubscriptionSyncRepository } from './subscription-sync.port.ts';
import type { ApplyOutcome } from './subscription-sync.ts';

export type ConnectOutcome =
  | { outcome: 'connect-applied'; tenantId: string }
  | Extract<ApplyOutcome, { outcome: 'unmapped' }>;

/**
 * Applies an `account.updated` to the tenant of the account, inside the webhook's transaction.
 * The ordering rule of subscriptions holds here too: an event not strictly newer than the last one
 * applied (Stripe's `created` has one-second resolution) is replaced by the account as Stripe holds
 * it now, so a late or reordered delivery never turns payments back off.
 */
export async function applyConnectState(
  repo: SubscriptionSyncRepository,
  gateway: StripeGateway,
  state: ConnectAccountState,
  eventCreated: number,
): Promise<ConnectOutcome> {
  await repo.lock(`stripe-account:${state.accountId}`);
  const tenant = await repo.findConnectTenant(state.accountId);
  if (!tenant) return { outcome: 'unmapped', reason: `no tenant for account ${state.accountId}` };
  let applied = state;
  let observedAt = eventCreated * 1000;
  const last = tenant.lastEventAt?.getTime() ?? null;
  if (last !== null && observedAt <= last) {
    applied = await gateway.retrieveAccount(state.accountId);
    observedAt = Math.max(Date.now(), last);
  }
  await repo.setConnectState(tenant.tenantId, applied, new Date(observedAt));
  return { outcome: 'connect-applied', tenantId: tenant.tenantId };
}
