import { randomUUID } from 'node:crypto';
import { errors } from '@gatehouse/errors';
import type { PlanCatalogRepository, PlanInterval, PlanView } from './plan-catalog.port.ts';
import type { StripeGateway } from './stripe.port.ts';

/** The creator's side of billing: plans, Checkout and the customer portal. */
export interface BillingTenant {
  id: string;
  /** The tenant's connected account (`acct_…`); null sells on the platform account. */
  stripeAccountId: string | null;
}

export interface PlanInput {
  name: string;
  description: string;
  amount: number;
  currency: string;
  interval: PlanInterval;
  showIds: string[];
  episodeIds: string[];
}

export interface CheckoutInput {
  planId: string;
  email?: string | undefined;
  subscriberId?: string | undefined;
  cancelUrl?: string | undefined;
}

export interface PortalInput {
  subscriberId: string;
  returnUrl?: string | undefined;
}

export interface StripeSession {
  id: string;
  url: string | null;
}

export interface PlanCatalog {
  createPlan(tenant: BillingTenant, input: PlanInput): Promise<PlanView>;
  listPlans(tenantId: string): Promise<PlanView[]>;
  createCheckoutSession(tenant: BillingTenant, input: CheckoutInput): Promise<StripeSession>;
  createPortalSession(tenant: BillingTenant, input: PortalInput): Promise<StripeSession>;
}

/** A Stripe call that failed is the dependency's fault (503), never a 500. */
const stripeCall = <T>(call: Promise<T>): Promise<T> =>
  call.catch((error: unknown) => {
    throw errors.dependencyUnavailable('stripe', error);
  });

export function createPlanCatalog(deps: {
  repository: PlanCatalogRepository;
  gateway: StripeGateway;
  /** Public URL of the edge, without a trailing slash (the portal's Checkout return pages live there). */
  publicBaseUrl: string;
}): PlanCatalog {
  const { repository, gateway, publicBaseUrl } = deps;

  const findPlan = async (tenantId: string, planId: string) => {
    const plan = await repository.findPlan(tenantId, planId);
    if (!plan) throw errors.notFound('plan');
    return plan;
  };
  const findSubscriber = async (tenantId: string, subscriberId: string) => {
    const subscriber = await repository.findSubscriber(tenantId, subscriberId);
    if (!subscriber) throw errors.notFound('subscriber');
    return subscriber;
  };

  return {
    /**
     * Creates a plan: first its Stripe product and price (on the tenant's connected account when
     * it has one; idempotency keys derived from the plan id make a retried call safe), then, in
     * one transaction, the plan row, its grants and the `gh.access.plan.changed.v1` outbox row. A
     * Stripe failure leaves nothing behind in Postgres.
     */
    async createPlan(tenant, input) {
      const showIds = [...new Set(input.showIds)];
      const episodeIds = [...new Set(input.episodeIds)];
      const owned = await repository.countOwned(tenant.id, { showIds, episodeIds });
      if (owned.shows !== showIds.length)
        throw errors.unprocessable('a granted show does not exist for this tenant');
      if (owned.episodes !== episodeIds.length)
        throw errors.unprocessable('a granted episode does not exist for this tenant');

      const planId = randomUUID();
      const currency = input.currency.toLowerCase();
      const stripeIds = await stripeCall(
        gateway.createProductAndPrice(
          { ...input, currency, planId, tenantId: tenant.id },
          tenant.stripeAccountId,
        ),
      );
      return repository.withTransaction(async (writer) => {
        const plan = await writer.insertPlan({
          id: planId,
          tenantId: tenant.id,
          name: input.name,
          description: input.description,
          amount: input.amount,
          currency,
          interval: input.interval,
          stripeProductId: stripeIds.productId,
          stripePriceId: stripeIds.priceId,
          showIds,
          episodeIds,
        });
        const grants = await writer.planGrants(planId);
        if (grants) {
          await writer.enqueue('gh.access.plan.changed.v1', {
            eventId: `plan:${planId}:${grants.version}`,
            occurredAt: new Date().toISOString(),
            grants,
          });
        }
        return plan;
      });
    },

    listPlans: (tenantId) => repository.listPlans(tenantId),

    async createCheckoutSession(tenant, input) {
      const plan = await findPlan(tenant.id, input.planId);
      if (!plan.active || !plan.stripePriceId) throw errors.conflict('plan is not on sale');
      const subscriber = input.subscriberId ? await findSubscriber(tenant.id, input.subscriberId) : undefined;
      const metadata: Record<string, string> = { tenantId: tenant.id, planId: plan.id };
      if (subscriber) metadata.subscriberId = subscriber.id;
      return stripeCall(
        gateway.createCheckoutSession(
          {
            priceId: plan.stripePriceId,
            // Stripe replaces {CHECKOUT_SESSION_ID} itself; the portal's welcome page reads it.
            successUrl: `${publicBaseUrl}/portal/welcome?session_id={CHECKOUT_SESSION_ID}`,
            cancelUrl: input.cancelUrl ?? `${publicBaseUrl}/portal`,
            ...(subscriber?.stripeCustomerId
              ? { customerId: subscriber.stripeCustomerId }
              : { customerEmail: subscriber?.email ?? input.email }),
            ...(subscriber ? { clientReferenceId: subscriber.id } : {}),
            metadata,
          },
          tenant.stripeAccountId,
        ),
      );
    },

    async createPortalSession(tenant, input) {
      const subscriber = await findSubscriber(tenant.id, input.subscriberId);
      if (!subscriber.stripeCustomerId) throw errors.conflict('subscriber has no Stripe customer yet');
      return stripeCall(
        gateway.createPortalSession(
          {
            customerId: subscriber.stripeCustomerId,
            returnUrl: input.returnUrl ?? `${publicBaseUrl}/portal`,
          },
          tenant.stripeAccountId,
        ),
      );
    },
  };
}
