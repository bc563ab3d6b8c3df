import type { DomainReconciler, ReconcileResult } from './domain-reconciler.ts';
import type { LeaseElector } from './lease-elector.ts';

export interface LoopLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface LoopOptions {
  /** Seconds between lease renewals (well under the lease duration). */
  renewSeconds: number;
  /** Seconds between reconciliation passes while leading. */
  intervalSeconds: number;
  signal: AbortSignal;
  log: LoopLogger;
  onPass?: (result: ReconcileResult) => void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/** Renews leadership every few seconds and reconciles on the interval while leading; stops on abort. */
export async function runReconcilerLoop(
  elector: LeaseElector,
  reconciler: DomainReconciler,
  o: LoopOptions,
): Promise<void> {
  let leading = false;
  let lastPass = 0;
  while (!o.signal.aborted) {
    try {
      const nowLeading = await elector.tryAcquireOrRenew();
      if (nowLeading !== leading)
        o.log.info({ leading: nowLeading }, nowLeading ? 'acquired leadership' : 'lost leadership');
      leading = nowLeading;
      if (leading && Date.now() - lastPass >= o.intervalSeconds * 1000) {
        const result = await reconciler.reconcileOnce();
        lastPass = Date.now();
        const changed = result.created.length + result.updated.length + result.deleted.length;
        if (changed > 0 || result.conflicts.length > 0) o.log.info(result, 'reconciled custom domains');
        o.onPass?.(result);
      }
    } catch (error) {
      // The API server or the database is away: keep the loop alive, try again next tick.
      o.log.error({ err: error }, 'custom-domain reconciliation failed');
    }
    await sleep(o.renewSeconds * 1000, o.signal);
  }
  if (leading) await elector.release().catch((error) => o.log.error({ err: error }, 'lease release failed'));
}
