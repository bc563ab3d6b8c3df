import type { PlanGrants } from '@gatehouse/contracts';
import type { OutboxWriter, UnitOfWork } from './transaction.port.ts';

export type PlanInterval = 'month' | 'year';

export interface PlanView {
  id: string;
  name: string;
  description: string;
  amount: number;
  currency: string;
  interval: PlanInterval;
  stripeProductId: string | null;
  stripePriceId: string | null;
  active: boolean;
  showIds: string[];
  episodeIds: string[];
}

export type NewPlan = Omit<PlanView, 'active'> & { tenantId: string };

/** What creating a plan writes, inside one transaction. */
export interface PlanWriter extends OutboxWriter {
  insertPlan(plan: NewPlan): Promise<PlanView>;
  /** The plan's grants as the edge will see them (undefined: no such plan). */
  planGrants(planId: string): Promise<PlanGrants | undefined>;
}

/** Plans and subscribers of a tenant, as the creators' API reads them. */
export interface PlanCatalogRepository extends UnitOfWork<PlanWriter> {
  /** How many of these shows / episodes belong to the tenant. */
  countOwned(
    tenantId: string,
    ids: { showIds: string[]; episodeIds: string[] },
  ): Promise<{ shows: number; episodes: number }>;
  listPlans(tenantId: string): Promise<PlanView[]>;
  findPlan(
    tenantId: string,
    planId: string,
  ): Promise<{ id: string; stripePriceId: string | null; active: boolean } | null>;
  findSubscriber(
    tenantId: string,
    subscriberId: string,
  ): Promise<{ id: string; email: string; stripeCustomerId: string | null } | null>;
}
