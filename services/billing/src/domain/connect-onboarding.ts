import { errors } from '@gatehouse/errors';
import type { ConnectRepository, ConnectStatus } from './connect.port.ts';
import { because } from './error-reason.ts';
import { stripeCall } from './plan-catalog.ts';
import type { StripeGateway } from './stripe.port.ts';

export interface ConnectOnboarding {
  status(tenantId: string): Promise<ConnectStatus>;
  /**
   * A fresh Stripe-hosted onboarding link. The tenant's Express account is created on the first
   * call only; later calls (an expired link, unfinished onboarding) link to the same account.
   */
  onboardingLink(tenantId: string): Promise<{ url: string; expiresAt: number }>;
}

export function createConnectOnboarding(deps: {
  repository: ConnectRepository;
  gateway: StripeGateway;
  /** Public URL of the edge, without a trailing slash (the dashboard's payment settings live there). */
  publicBaseUrl: string;
}): ConnectOnboarding {
  const { repository, gateway } = deps;
  const settingsUrl = (onboarding: 'refresh' | 'return') =>
    `${deps.publicBaseUrl}/app/settings/payments?onboarding=${onboarding}`;

  const status = async (tenantId: string) => {
    const current = await repository.status(tenantId);
    if (!current) throw errors.notFound('tenant');
    return current;
  };

  return {
    status,
    async onboardingLink(tenantId) {
      let accountId = (await status(tenantId)).accountId;
      if (!accountId) {
        // Plans made before connecting have their products, prices and subscriptions on the
        // platform account; a connected tenant's Checkout and webhooks run on its own account, so
        // those would stop working (and their subscribers' changes stop applying). Moving them is
        // not supported: refuse instead of breaking them.
        if (await repository.hasPlans(tenantId))
          throw because(
            errors.conflict('plans created before connecting Stripe cannot move to a connected account'),
            'platform_plans_exist',
          );
        const email = await repository.ownerEmail(tenantId);
        // The idempotency key is the tenant: a concurrent first call gets the same account back,
        // and attachAccount keeps whichever was stored first.
        const created = await stripeCall(
          gateway.createConnectedAccount({ tenantId, ...(email ? { email } : {}) }),
        );
        accountId = await repository.attachAccount(tenantId, created.accountId);
      }
      // Stripe sends the creator to refresh_url when the link expired or was used: the dashboard
      // page asks for a new link; return_url does not mean onboarding finished (account.updated says).
      return stripeCall(
        gateway.createAccountLink({
          accountId,
          refreshUrl: settingsUrl('refresh'),
          returnUrl: settingsUrl('return'),
        }),
      );
    },
  };
}
