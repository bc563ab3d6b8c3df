import type { PrismaClient } from '@gatehouse/db';
import {
  createAttemptLimiter,
  createCreatorSessions,
  createMagicLinks,
  secureCookiesFor,
} from '@gatehouse/sign-in';
import { createPrismaCreatorSessionStore } from '@gatehouse/sign-in/prisma';
import { createApiKeysService } from '../domain/api-keys.service.ts';
import { createCreatorSignIn } from '../domain/creator-sign-in.service.ts';
import type { Mailer } from '../domain/identity.ports.ts';
import { createOperatorGate, createOperatorService } from '../domain/operator.service.ts';
import type { CreatorRouteDeps, OperatorRouteDeps } from '../routes/route-deps.ts';
import { createApiKeysRepository } from './api-keys.repository.ts';
import { createCreatorMagicLinkStore } from './creator-magic-links.repository.ts';
import { createIdentityRepository } from './identity.repository.ts';

/** What sign-in and the operator API are built from (main.ts or a test). */
export interface IdentityAppDeps {
  prisma: PrismaClient;
  mailer: Mailer;
  publicBaseUrl: string;
  operatorApiKey: string;
  /** Sign-in mails per address per window (default 5 per 15 minutes). */
  signInMailLimit?: { limit: number; windowSeconds: number };
  /** Logs a failed mail (sign-in mail goes out after the answer). */
  onMailError: (error: unknown) => void;
}

const SIGN_IN_LINK_TTL_SECONDS = 15 * 60;
const INVITE_LINK_TTL_SECONDS = 72 * 3600;

/** Adapters (Postgres, SMTP) → the domain services the sign-in and operator routes get. */
export function createIdentityRouteDeps(deps: IdentityAppDeps): CreatorRouteDeps & OperatorRouteDeps {
  const identity = createIdentityRepository(deps.prisma);
  const apiKeys = createApiKeysService(createApiKeysRepository(deps.prisma));
  const limit = deps.signInMailLimit ?? { limit: 5, windowSeconds: 15 * 60 };
  const signIn = createCreatorSignIn({
    identity,
    links: createMagicLinks({
      store: createCreatorMagicLinkStore(deps.prisma),
      ttlSeconds: SIGN_IN_LINK_TTL_SECONDS,
    }),
    sessions: createCreatorSessions(createPrismaCreatorSessionStore(deps.prisma)),
    mailer: deps.mailer,
    limiter: createAttemptLimiter({ limit: limit.limit, windowMs: limit.windowSeconds * 1000 }),
    baseUrl: deps.publicBaseUrl.replace(/\/+$/, ''),
    signInLinkTtlSeconds: SIGN_IN_LINK_TTL_SECONDS,
    inviteLinkTtlSeconds: INVITE_LINK_TTL_SECONDS,
    onMailError: deps.onMailError,
  });
  const gate = createOperatorGate(deps.operatorApiKey);
  return {
    signIn,
    apiKeys,
    secureCookies: secureCookiesFor(deps.publicBaseUrl),
    operator: createOperatorService({ tenants: identity, apiKeys, signIn }),
    verifyOperator: (authorization) => gate.verify(authorization),
  };
}
