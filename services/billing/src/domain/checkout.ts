import { errors } from '@gatehouse/errors';
import type { CheckoutRepository, PlanForSale, SellingTenant } from './checkout.port.ts';
import { because } from './error-reason.ts';
import { stripeCall } from './plan-catalog.ts';
import type { StripeGateway } from './stripe.port.ts';

export interface CheckoutInput {
  planId: string;
  email?: string | undefined;
  /** An existing subscriber buying another plan (their Stripe customer is reused). */
  subscriberId?: string | undefined;
  cancelUrl?: string | undefined;
  /** The show page the buyer came from (the default cancel URL returns there). */
  showSlug?: string | undefined;
}

/** A listener on a show page: no credentials, so the tenant is named by its slug. */
export interface PublicCheckoutInput {
  tenantSlug: string;
  planId: string;
  email?: string | undefined;
  showSlug?: string | undefined;
}

export interface PortalInput {
  subscriberId: string;
  returnUrl?: string | undefined;
}

export interface StripeSession {
  id: string;
  url: string | null;
}

export interface CheckoutService {
  createCheckoutSession(tenantId: string, input: CheckoutInput): Promise<StripeSession>;
  createPublicCheckout(input: PublicCheckoutInput): Promise<StripeSession>;
  createPortalSession(tenantId: string, input: PortalInput): Promise<StripeSession>;
}

export function createCheckoutService(deps: {
  repository: CheckoutRepository;
  gateway: StripeGateway;
  /** Public URL of the edge, without a trailing slash (the listener pages live there). */
  publicBaseUrl: string;
}): CheckoutService {
  const { repository, gateway, publicBaseUrl } = deps;
  const listenUrl = (...segments: string[]) =>
    `${publicBaseUrl}/listen/${segments.map(encodeURIComponent).join('/')}`;

  const tenantById = async (tenantId: string) => {
    const tenant = await repository.findTenantById(tenantId);
    if (!tenant) throw because(errors.notFound('tenant'), 'tenant_not_found');
    return tenant;
  };

  /** The plan, when it can be sold now: 404 unknown, 409 archived or payments not set up. */
  const planForSale = async (
    tenant: SellingTenant,
    planId: string,
  ): Promise<PlanForSale & { stripePriceId: string }> => {
    const plan = await repository.findPlan(tenant.id, planId);
    if (!plan) throw because(errors.notFound('plan'), 'plan_not_found');
    if (!plan.active || !plan.stripePriceId)
      throw because(errors.conflict('plan is not on sale'), 'plan_archived');
    // A connected account takes payments only once Stripe says so (`account.updated`); a tenant
    // without one sells on the platform account, as before Connect.
    if (tenant.stripeAccountId && !tenant.chargesEnabled)
      throw because(errors.conflict('this creator cannot take payments yet'), 'payments_not_enabled');
    return { ...plan, stripePriceId: plan.stripePriceId };
  };

  /** Back to the show page the buyer came from (or the plan's show). */
  const cancelUrlFor = async (tenant: SellingTenant, planId: string, showSlug: string | undefined) => {
    if (showSlug !== undefined) {
      if (!(await repository.showExists(tenant.id, showSlug)))
        throw because(errors.notFound('show'), 'show_not_found');
      return listenUrl(tenant.slug, showSlug);
    }
    const fallback = await repository.defaultShowSlug(tenant.id, planId);
    return fallback ? listenUrl(tenant.slug, fallback) : listenUrl(tenant.slug);
  };

  const checkout = async (
    tenant: SellingTenant,
    plan: PlanForSale & { stripePriceId: string },
    options: {
      cancelUrl: string;
      email?: string | undefined;
      subscriber?: { id: string; email: string; stripeCustomerId: string | null } | undefined;
    },
  ) => {
    const { subscriber } = options;
    const metadata: Record<string, string> = { tenantId: tenant.id, planId: plan.id };
    if (subscriber) metadata.subscriberId = subscriber.id;
    const feePercent =
      tenant.stripeAccountId && tenant.applicationFeeBps > 0 ? tenant.applicationFeeBps / 100 : 0;
    return stripeCall(
      gateway.createCheckoutSession(
        {
          priceId: plan.stripePriceId,
          // Stripe replaces {CHECKOUT_SESSION_ID} itself; the listener welcome page reads it.
          successUrl: `${listenUrl(tenant.slug, 'welcome')}?session_id={CHECKOUT_SESSION_ID}`,
          cancelUrl: options.cancelUrl,
          ...(subscriber?.stripeCustomerId
            ? { customerId: subscriber.stripeCustomerId }
            : { customerEmail: subscriber?.email ?? options.email }),
          ...(subscriber ? { clientReferenceId: subscriber.id } : {}),
          metadata,
          ...(plan.trialDays > 0 ? { trialDays: plan.trialDays } : {}),
          ...(plan.allowPromotionCodes ? { allowPromotionCodes: true } : {}),
          ...(feePercent > 0 ? { applicationFeePercent: feePercent } : {}),
        },
        tenant.stripeAccountId,
      ),
    );
  };

  const findSubscriber = async (tenantId: string, subscriberId: string) => {
    const subscriber = await repository.findSubscriber(tenantId, subscriberId);
    if (!subscriber) throw errors.notFound('subscriber');
    return subscriber;
  };

  return {
    async createCheckoutSession(tenantId, input) {
      const tenant = await tenantById(tenantId);
      const plan = await planForSale(tenant, input.planId);
      const subscriber = input.subscriberId ? await findSubscriber(tenant.id, input.subscriberId) : undefined;
      const cancelUrl = input.cancelUrl ?? (await cancelUrlFor(tenant, plan.id, input.showSlug));
      return checkout(tenant, plan, { cancelUrl, email: input.email, subscriber });
    },

    /**
     * No credentials: only what a show page shows anyway (tenant slug, an active plan's id) and an
     * optional e-mail. An existing subscriber's Stripe customer is never attached here — anyone can
     * type an address — the checkout webhook links by the e-mail Stripe confirms.
     */
    async createPublicCheckout(input) {
      const tenant = await repository.findTenantBySlug(input.tenantSlug);
      if (!tenant?.active) throw because(errors.notFound('tenant'), 'tenant_not_found');
      const plan = await planForSale(tenant, input.planId);
      const cancelUrl = await cancelUrlFor(tenant, plan.id, input.showSlug);
      return checkout(tenant, plan, { cancelUrl, email: input.email });
    },

    async createPortalSession(tenantId, input) {
      const tenant = await tenantById(tenantId);
      const subscriber = await findSubscriber(tenant.id, input.subscriberId);
      if (!subscriber.stripeCustomerId) throw errors.conflict('subscriber has no Stripe customer yet');
      return stripeCall(
        gateway.createPortalSession(
          {
            customerId: subscriber.stripeCustomerId,
            returnUrl: input.returnUrl ?? listenUrl(tenant.slug, 'account'),
          },
          tenant.stripeAccountId,
        ),
      );
    },
  };
}
