export {
  apiKeyMatches,
  apiKeyPrefix,
  bearerToken,
  type GeneratedApiKey,
  generateApiKey,
  hashApiKey,
} from './api-key.ts';
export {
  apiKeyAuthenticator,
  authenticateTenant,
  type TenantKeyedRequest,
  type TenantPrincipal,
  type TenantSessionAuthenticator,
} from './api-key-auth.ts';
export {
  type ApiKeyRecord,
  type ApiKeyRepository,
  type ApiKeyVerifier,
  type ApiKeyVerifierOptions,
  createApiKeyVerifier,
} from './api-key-verifier.ts';
export {
  createInternalTokenVerifier,
  INTERNAL_TOKEN_MIN_LENGTH,
  type InternalTokenVerifier,
  internalAuthorization,
} from './internal-token.ts';
export { createPrismaApiKeyRepository, createTenantWithApiKey } from './prisma-api-keys.repository.ts';
