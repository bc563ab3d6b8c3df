import type { StripeGateway } from './stripe.port.ts';
import type { SubscriptionSyncStore } from './subscription-sync.port.ts';
import { applySubscriptionState } from './subscription-sync.ts';

/**
 * Repairs drift between Stripe and Postgres: lists every subscription (each connected account of
 * a tenant, and the platform account), and feeds each one through the same apply path as the
 * webhooks. An unchanged subscription costs one locked read; a changed one gets a version bump,
 * a new snapshot and outbox rows exactly as if its webhook had arrived.
 *
 * The listed state is stamped with the time the listing started (our clock standing in for
 * Stripe's), so a delayed webhook older than the listing re-fetches instead of undoing the repair.
 */
export interface ReconcileReport {
  accounts: number;
  seen: number;
  repaired: number;
  unmapped: number;
  failed: number;
}

export interface ReconcileLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export async function reconcileSubscriptions(
  store: SubscriptionSyncStore,
  gateway: StripeGateway,
  options: { logger?: ReconcileLogger; onRepaired?: () => void; accounts?: (string | null)[] } = {},
): Promise<ReconcileReport> {
  const accounts = options.accounts ?? [null, ...(await store.connectedAccounts())];
  const report: ReconcileReport = { accounts: accounts.length, seen: 0, repaired: 0, unmapped: 0, failed: 0 };
  for (const account of accounts) {
    const listedAt = Math.floor(Date.now() / 1000);
    try {
      for await (const state of gateway.listSubscriptions(account)) {
        report.seen++;
        try {
          const result = await store.withTransaction((repo) =>
            applySubscriptionState(repo, gateway, {
              state,
              observedAt: listedAt,
              source: 'fetched',
              account,
            }),
          );
          if (result.outcome === 'applied') {
            report.repaired++;
            options.onRepaired?.();
            options.logger?.info({ subscription: state.id, account }, 'reconcile: repaired drift');
          } else if (result.outcome === 'unmapped') report.unmapped++;
        } catch (error) {
          report.failed++;
          options.logger?.warn(
            { err: error, subscription: state.id, account },
            'reconcile: subscription failed',
          );
        }
      }
    } catch (error) {
      report.failed++;
      options.logger?.warn({ err: error, account }, 'reconcile: listing failed');
    }
  }
  return report;
}

/** Runs reconciliation every `intervalMs` (never two rounds at once). Returns a stop function. */
export function scheduleReconciliation(run: () => Promise<unknown>, intervalMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    run().finally(() => {
      running = false;
    });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
