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
  /** On sale (false once archived). */
  active: boolean;
  trialDays: number;
  allowPromotionCodes: boolean;
  archivedAt: Date | null;
  showIds: string[];
  episodeIds: string[];
}

export type NewPlan = Omit<PlanView, 'active' | 'archivedAt'> & { tenantId: string };

/** A plan's grants: whole shows and single episodes. */
export interface GrantIds {
  showIds: string[];
  episodeIds: string[];
}

/** The columns an edit changes (absent: unchanged). */
export interface PlanChanges {
  name?: string;
  description?: string;
  trialDays?: number;
  allowPromotionCodes?: boolean;
  /** The new Stripe price; the current one moves to the plan's previous prices. */
  price?: { stripePriceId: string; amount: number; currency: string; interval: PlanInterval };
  archived?: true;
}

/** What creating or editing a plan writes, inside one transaction. */
export interface PlanWriter extends OutboxWriter {
  insertPlan(plan: NewPlan): Promise<PlanView>;
  /** Locks the plan row for the rest of the transaction (concurrent edits apply one after the other). */
  lockPlan(tenantId: string, planId: string): Promise<PlanView | null>;
  updatePlan(planId: string, changes: PlanChanges): Promise<void>;
  /** Replaces the plan's grants and bumps its grants version. */
  replaceGrants(planId: string, grants: GrantIds): Promise<void>;
  /** The plan's grants as the edge will see them (undefined: no such plan). */
  planGrants(planId: string): Promise<PlanGrants | undefined>;
  readPlan(planId: string): Promise<PlanView>;
}

/** Plans of a tenant, as the creators' API reads them. */
export interface PlanCatalogRepository extends UnitOfWork<PlanWriter> {
  /** How many of these shows / episodes belong to the tenant. */
  countOwned(tenantId: string, ids: GrantIds): Promise<{ shows: number; episodes: number }>;
  listPlans(tenantId: string): Promise<PlanView[]>;
  getPlan(tenantId: string, planId: string): Promise<PlanView | null>;
}
