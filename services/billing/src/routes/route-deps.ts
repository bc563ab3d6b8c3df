import type {
  ApiKeyVerifier,
  InternalTokenVerifier,
  TenantSessionAuthenticator,
} from '@gatehouse/tenant-keys';
import type { CheckoutService } from '../domain/checkout.ts';
import type { ConnectOnboarding } from '../domain/connect-onboarding.ts';
import type { PlanCatalog } from '../domain/plan-catalog.ts';
import type { RateLimiter } from '../domain/rate-limiter.ts';
import type { WebhookVerifier } from '../domain/stripe.port.ts';
import type { Subscribers } from '../domain/subscriber-list.ts';
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
  /** The dashboard's session cookie (`gh_studio`, + X-CSRF-Token on writes), accepted like an API key. */
  sessions?: TenantSessionAuthenticator;
  /** INTERNAL_API_TOKEN, presented by the other services on `/internal/…`. */
  internalToken: InternalTokenVerifier;
  plans: PlanCatalog;
  /** Checkout and customer-portal sessions (creators' API and the public listener checkout). */
  checkout: CheckoutService;
  /** Per client address: how many public Checkout sessions it may start. */
  publicCheckoutLimiter: RateLimiter;
  subscribers: Subscribers;
  connect: ConnectOnboarding;
  rotateToken(input: RotationInput): Promise<RotationResult>;
  webhooks: {
    verifier: WebhookVerifier;
    process(event: StripeEventLike): Promise<ProcessResult>;
  };
  /** Called after a transaction that wrote outbox rows committed: wakes the relay. */
  notifyOutbox(): void;
}
