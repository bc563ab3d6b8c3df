import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isUniqueViolation } from '@gatehouse/db';
import { errors } from '@gatehouse/errors';
import Type from 'typebox';
import { normalizeHostname } from '../domain/hostname.ts';
import { domainDto } from './dto.ts';
import type { RouteDeps } from './route-deps.ts';
import { authErrors, Domain, DomainCreate, errorResponses, IdParams } from './schemas.ts';

/**
 * Custom domains: rows only. The Kubernetes reconciler (another component) verifies ownership with the
 * token, issues certificates and moves the status along.
 */
export const domainRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { prisma } = deps;

  app.post(
    '/domains',
    { schema: { body: DomainCreate, response: { 201: Domain, ...errorResponses(...authErrors, 409) } } },
    async (request, reply) => {
      const normalized = normalizeHostname(request.body.hostname);
      if (!normalized.ok) throw errors.validation(`hostname ${normalized.reason}`);
      try {
        const domain = await prisma.customDomain.create({
          data: {
            tenantId: request.tenantId,
            hostname: normalized.hostname,
            verificationToken: randomBytes(18).toString('base64url'),
          },
        });
        reply.code(201);
        return domainDto(domain);
      } catch (error) {
        throw isUniqueViolation(error) ? errors.conflict('this hostname is already registered') : error;
      }
    },
  );

  app.get(
    '/domains',
    {
      schema: {
        response: {
          200: Type.Object({ items: Type.Array(Domain) }, { additionalProperties: false }),
          ...errorResponses(...authErrors),
        },
      },
    },
    async (request) => {
      const rows = await prisma.customDomain.findMany({
        where: { tenantId: request.tenantId },
        orderBy: { hostname: 'asc' },
      });
      return { items: rows.map(domainDto) };
    },
  );

  app.get(
    '/domains/:id',
    { schema: { params: IdParams, response: { 200: Domain, ...errorResponses(...authErrors, 404) } } },
    async (request) => {
      const domain = await prisma.customDomain.findFirst({
        where: { id: request.params.id, tenantId: request.tenantId },
      });
      if (!domain) throw errors.notFound('domain');
      return domainDto(domain);
    },
  );

  // Marks the row for removal; the reconciler tears down ingress and certificate, then deletes it.
  app.delete(
    '/domains/:id',
    { schema: { params: IdParams, response: { 200: Domain, ...errorResponses(...authErrors, 404) } } },
    async (request) => {
      const [domain] = await prisma.customDomain.updateManyAndReturn({
        where: { id: request.params.id, tenantId: request.tenantId },
        data: { status: 'removing' },
      });
      if (!domain) throw errors.notFound('domain');
      return domainDto(domain);
    },
  );
};
