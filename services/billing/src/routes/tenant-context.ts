import { errors } from '@gatehouse/errors';
import type { FastifyRequest } from 'fastify';
import type { BillingTenant } from '../domain/plan-catalog.ts';

/** The tenant each authenticated request acts for (set by the auth hook of `api.routes.ts`). */
const tenants = new WeakMap<FastifyRequest, BillingTenant>();

export const setTenant = (request: FastifyRequest, tenant: BillingTenant) => tenants.set(request, tenant);

export const tenantOf = (request: FastifyRequest) => {
  const tenant = tenants.get(request);
  if (!tenant) throw errors.unauthenticated();
  return tenant;
};

/** Statuses every authenticated route can answer before its handler runs. */
export const authErrors = [400, 401, 403] as const;
