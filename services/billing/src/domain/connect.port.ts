/** A tenant's Stripe Connect state as stored. */
export interface ConnectStatus {
  accountId: string | null;
  chargesEnabled: boolean;
  detailsSubmitted: boolean;
}

/** The creators' side of Connect (onboarding), over the tenants table. */
export interface ConnectRepository {
  /** Null for an unknown tenant. */
  status(tenantId: string): Promise<ConnectStatus | null>;
  /** The e-mail of the tenant's first owner (prefills Stripe's onboarding), if any. */
  ownerEmail(tenantId: string): Promise<string | null>;
  /** Whether the tenant has plans (their Stripe products live on the platform account until it connects). */
  hasPlans(tenantId: string): Promise<boolean>;
  /** Stores the account unless the tenant already has one; returns the tenant's account either way. */
  attachAccount(tenantId: string, accountId: string): Promise<string>;
}
