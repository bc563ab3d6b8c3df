import type { ApiKeyVerifier, InternalTokenVerifier } from '@gatehouse/tenant-keys';
import type { PlanCatalog } from '../domain/plan-catalog.ts';
import type { WebhookVerifier } from '../domain/stripe.port.ts';
import type { RotationInput, RotationResult } from '../domain/token-rotation.ts';
import type { StripeEventLike } from '../domain/webhook-events.ts';
import type { ProcessResult } from '../domain/webhook-processor.ts';

/**
 * Everything billing's routes may use: domain services and ports, built by `app.ts` from the
 * adapters. Routes import this file, the domain and their schemas — never `app.ts` or an adapter.
 */
export interface RouteDeps {
  /** The creators' API keys (`Authorization: Bearer ghk_…`). */
  apiKeys: ApiKeyVerifier;
  /** INTERNAL_API_TOKEN, presented by the other services on `/internal/…`. */
  internalToken: InternalTokenVerifier;
  plans: PlanCatalog;
  rotateToken(input: RotationInput): Promise<RotationResult>;
  webhooks: {
    verifier: WebhookVerifier;
    process(event: StripeEventLike): Promise<ProcessResult>;
  };
  /** Called after a transaction that wrote outbox rows committed: wakes the relay. */
  notifyOutbox(): void;
}
