/** A tenant as selling needs it. */
export interface SellingTenant {
  id: string;
  slug: string;
  active: boolean;
  /** Connected account (`acct_…`); null sells on the platform account. */
  stripeAccountId: string | null;
  chargesEnabled: boolean;
  applicationFeeBps: number;
}

/** A plan as Checkout needs it. */
export interface PlanForSale {
  id: string;
  stripePriceId: string | null;
  active: boolean;
  trialDays: number;
  allowPromotionCodes: boolean;
}

/** What Checkout and the customer portal read. */
export interface CheckoutRepository {
  findTenantById(tenantId: string): Promise<SellingTenant | null>;
  findTenantBySlug(slug: string): Promise<SellingTenant | null>;
  findPlan(tenantId: string, planId: string): Promise<PlanForSale | null>;
  showExists(tenantId: string, showSlug: string): Promise<boolean>;
  /** The first show the plan grants (directly or through an episode), else the tenant's first show. */
  defaultShowSlug(tenantId: string, planId: string): Promise<string | null>;
  findSubscriber(
    tenantId: string,
    subscriberId: string,
  ): Promise<{ id: string; email: string; stripeCustomerId: string | null } | null>;
}
