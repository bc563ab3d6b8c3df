import { Invalidation, invalidationSubject } from '@gatehouse/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import { Compile } from 'typebox/compile';

/** What a replica drops on an invalidation (the auth app's `accessCache`, the stale-grace memory). */
export interface Invalidatable {
  invalidate(keys: Iterable<string>): void;
  flush(): void;
}

const validInvalidation = Compile(Invalidation);

/**
 * Every auth replica subscribes (core NATS, no queue group: each replica hears every message)
 * and drops the named keys from its in-process caches at once.
 */
export function listenForInvalidations(nats: NatsConnection, targets: readonly Invalidatable[]): () => void {
  const decoder = new TextDecoder();
  const subscription = nats.subscribe(invalidationSubject, {
    callback: (error, msg) => {
      if (error) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(decoder.decode(msg.data));
      } catch {
        return;
      }
      if (!validInvalidation.Check(parsed)) return;
      for (const target of targets) target.invalidate(parsed.keys);
    },
  });
  return () => subscription.unsubscribe();
}
