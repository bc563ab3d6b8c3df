import { randomUUID } from 'node:crypto';
import { errors } from '@gatehouse/errors';
import type {
  GrantIds,
  PlanCatalogRepository,
  PlanChanges,
  PlanInterval,
  PlanView,
  PlanWriter,
} from './plan-catalog.port.ts';
import type { StripeGateway } from './stripe.port.ts';

/** The tenant a creators' API request acts for. */
export interface BillingTenant {
  id: string;
  /** The tenant's connected account (`acct_…`); null sells on the platform account. */
  stripeAccountId: string | null;
}

export interface PlanInput extends GrantIds {
  name: string;
  description: string;
  amount: number;
  currency: string;
  interval: PlanInterval;
  trialDays: number;
  allowPromotionCodes: boolean;
}

/** An edit: every field optional; grants given replace the plan's grants of that kind. */
export type PlanEdit = Partial<PlanInput>;

export interface PlanCatalog {
  createPlan(tenant: BillingTenant, input: PlanInput): Promise<PlanView>;
  listPlans(tenantId: string): Promise<PlanView[]>;
  getPlan(tenantId: string, planId: string): Promise<PlanView>;
  updatePlan(tenant: BillingTenant, planId: string, edit: PlanEdit): Promise<PlanView>;
  /** Takes the plan off sale; subscribers keep their access and their price. Idempotent. */
  archivePlan(tenant: BillingTenant, planId: string): Promise<PlanView>;
}

/** A Stripe call that failed is the dependency's fault (503), never a 500. */
export const stripeCall = <T>(call: Promise<T>): Promise<T> =>
  call.catch((error: unknown) => {
    throw errors.dependencyUnavailable('stripe', error);
  });

const unique = (ids: string[]) => [...new Set(ids)];

export function createPlanCatalog(deps: {
  repository: PlanCatalogRepository;
  gateway: StripeGateway;
  /** A best-effort Stripe clean-up (retiring a replaced price) failed: logged, the change stands. */
  onCleanupFailed?: (error: unknown) => void;
}): PlanCatalog {
  const { repository, gateway } = deps;

  const getPlan = async (tenantId: string, planId: string) => {
    const plan = await repository.getPlan(tenantId, planId);
    if (!plan) throw errors.notFound('plan');
    return plan;
  };

  const checkOwned = async (tenantId: string, grants: GrantIds) => {
    const owned = await repository.countOwned(tenantId, grants);
    if (owned.shows !== grants.showIds.length)
      throw errors.unprocessable('a granted show does not exist for this tenant');
    if (owned.episodes !== grants.episodeIds.length)
      throw errors.unprocessable('a granted episode does not exist for this tenant');
  };

  /** Writes the plan's new grants and the `gh.access.plan.changed.v1` row, inside the transaction. */
  const publishGrants = async (writer: PlanWriter, planId: string) => {
    const grants = await writer.planGrants(planId);
    if (grants) {
      await writer.enqueue('gh.access.plan.changed.v1', {
        eventId: `plan:${planId}:${grants.version}`,
        occurredAt: new Date().toISOString(),
        grants,
      });
    }
  };

  /** Stripe prices cannot be deleted; a retired one is taken off sale (its subscribers keep it). */
  const retirePrice = (priceId: string | null, account: string | null) => {
    if (!priceId) return Promise.resolve();
    return gateway.deactivatePrice(priceId, account).catch((error: unknown) => deps.onCleanupFailed?.(error));
  };

  return {
    /**
     * Creates a plan: first its Stripe product and price (on the tenant's connected account when
     * it has one; idempotency keys derived from the plan id make a retried call safe), then, in
     * one transaction, the plan row, its grants and the `gh.access.plan.changed.v1` outbox row. A
     * Stripe failure leaves nothing behind in Postgres.
     */
    async createPlan(tenant, input) {
      const grants = { showIds: unique(input.showIds), episodeIds: unique(input.episodeIds) };
      await checkOwned(tenant.id, grants);
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
          trialDays: input.trialDays,
          allowPromotionCodes: input.allowPromotionCodes,
          stripeProductId: stripeIds.productId,
          stripePriceId: stripeIds.priceId,
          ...grants,
        });
        await publishGrants(writer, planId);
        return plan;
      });
    },

    listPlans: (tenantId) => repository.listPlans(tenantId),
    getPlan,

    /**
     * Stripe first (product name/description; a new price when amount, currency or interval
     * change), then one transaction: the plan row (the replaced price kept as a previous price, so
     * subscriptions on it still map to the plan), its grants and the plan.changed outbox row.
     */
    async updatePlan(tenant, planId, edit) {
      const current = await getPlan(tenant.id, planId);
      const grantsGiven = edit.showIds !== undefined || edit.episodeIds !== undefined;
      const grants = {
        showIds: unique(edit.showIds ?? current.showIds),
        episodeIds: unique(edit.episodeIds ?? current.episodeIds),
      };
      if (grantsGiven) await checkOwned(tenant.id, grants);

      const changes: PlanChanges = {};
      if (edit.trialDays !== undefined) changes.trialDays = edit.trialDays;
      if (edit.allowPromotionCodes !== undefined) changes.allowPromotionCodes = edit.allowPromotionCodes;
      const name = edit.name ?? current.name;
      const description = edit.description ?? current.description;
      if (name !== current.name || description !== current.description) {
        if (current.stripeProductId) {
          await stripeCall(
            gateway.updateProduct(current.stripeProductId, { name, description }, tenant.stripeAccountId),
          );
        }
        Object.assign(changes, { name, description });
      }
      const amount = edit.amount ?? current.amount;
      const currency = (edit.currency ?? current.currency).toLowerCase();
      const interval = edit.interval ?? current.interval;
      const priceChanged =
        amount !== current.amount || currency !== current.currency || interval !== current.interval;
      if (priceChanged) {
        if (!current.stripeProductId) throw errors.conflict('plan has no Stripe product to price');
        const { priceId } = await stripeCall(
          gateway.createPrice(
            { productId: current.stripeProductId, amount, currency, interval, planId, tenantId: tenant.id },
            tenant.stripeAccountId,
          ),
        );
        changes.price = { stripePriceId: priceId, amount, currency, interval };
      }

      const replaced = await repository.withTransaction(async (writer) => {
        const locked = await writer.lockPlan(tenant.id, planId);
        if (!locked) throw errors.notFound('plan');
        const oldPriceId = changes.price ? locked.stripePriceId : null;
        await writer.updatePlan(planId, changes);
        if (grantsGiven) {
          await writer.replaceGrants(planId, grants);
          await publishGrants(writer, planId);
        }
        return { plan: await writer.readPlan(planId), oldPriceId };
      });
      await retirePrice(replaced.oldPriceId, tenant.stripeAccountId);
      return replaced.plan;
    },

    async archivePlan(tenant, planId) {
      const archived = await repository.withTransaction(async (writer) => {
        const locked = await writer.lockPlan(tenant.id, planId);
        if (!locked) throw errors.notFound('plan');
        if (!locked.active) return { plan: locked, newlyArchived: false };
        await writer.updatePlan(planId, { archived: true });
        return { plan: await writer.readPlan(planId), newlyArchived: true };
      });
      if (archived.newlyArchived) await retirePrice(archived.plan.stripePriceId, tenant.stripeAccountId);
      return archived.plan;
    },
  };
}
