import { errors } from '@gatehouse/errors';
import { constantTimeEqual } from '@gatehouse/sign-in';
import { bearerToken } from '@gatehouse/tenant-keys';
import type { ApiKeysService } from './api-keys.service.ts';
import type { CreatorSignIn } from './creator-sign-in.service.ts';
import { normalizeEmail } from './email-address.ts';
import type { TenantAdminStore, TenantRecord } from './identity.ports.ts';

/** `Authorization: Bearer <OPERATOR_API_KEY>`, compared in constant time; else 401. */
export function createOperatorGate(operatorApiKey: string) {
  return {
    verify(authorization: string | undefined): void {
      const presented = bearerToken(authorization);
      if (presented === undefined)
        throw errors.unauthenticated('missing operator key (Authorization: Bearer <OPERATOR_API_KEY>)');
      if (!constantTimeEqual(presented, operatorApiKey)) throw errors.unauthenticated('invalid operator key');
    },
  };
}

export interface OperatorDeps {
  tenants: TenantAdminStore;
  apiKeys: ApiKeysService;
  signIn: Pick<CreatorSignIn, 'invite'>;
}

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** The operator's use cases: creators (tenants), their invitations, API keys and platform fee. */
export function createOperatorService(deps: OperatorDeps) {
  async function tenant(ref: string): Promise<TenantRecord> {
    const found = await deps.tenants.findTenantByRef(ref);
    if (!found) throw errors.notFound('tenant');
    return found;
  }

  return {
    /** A new creator and its owner, invited by mail (`inviteSent: false` when the mail failed: re-invite). */
    async createTenant(input: { slug: string; name: string; ownerEmail: string }) {
      if (!SLUG.test(input.slug))
        throw errors.validation(
          'slug: 2–63 lower-case letters, digits or dashes, starting with a letter or digit',
        );
      const name = input.name.trim();
      if (!name) throw errors.validation('name must not be empty');
      const created = await deps.tenants.createTenantWithOwner({
        slug: input.slug,
        name,
        ownerEmail: normalizeEmail(input.ownerEmail),
      });
      const inviteSent = await deps.signIn.invite(created.owner, created.tenant.name);
      return { tenant: created.tenant, owner: created.owner, inviteSent };
    },

    listTenants: () => deps.tenants.listTenants(),
    tenant,

    async updateTenant(ref: string, changes: { name?: string; applicationFeeBps?: number }) {
      const target = await tenant(ref);
      const name = changes.name?.trim();
      if (name === '') throw errors.validation('name must not be empty');
      return deps.tenants.updateTenant(target.id, {
        ...(name === undefined ? {} : { name }),
        ...(changes.applicationFeeBps === undefined ? {} : { applicationFeeBps: changes.applicationFeeBps }),
      });
    },

    /** Adds a member (or re-invites an existing one) and mails them a sign-in link. */
    async invite(ref: string, email: string, role: 'owner' | 'member' = 'member') {
      const target = await tenant(ref);
      const member = await deps.tenants.addMember(target.id, normalizeEmail(email), role);
      const inviteSent = await deps.signIn.invite(member.user, target.name);
      return { tenant: target, user: member.user, role: member.role, inviteSent };
    },

    listApiKeys: async (ref: string) => deps.apiKeys.list((await tenant(ref)).id),
    createApiKey: async (ref: string, name: string) => deps.apiKeys.create((await tenant(ref)).id, name),
    revokeApiKey: async (ref: string, id: string) => deps.apiKeys.revoke((await tenant(ref)).id, id),
  };
}

export type OperatorService = ReturnType<typeof createOperatorService>;
