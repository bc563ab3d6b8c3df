import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { PrismaClient } from '@gatehouse/db';
import type { Logger } from '@gatehouse/logging';
import { installHttpBasics, type ReadinessCheck } from '@gatehouse/observability';
import { creatorSessionsFromPrisma } from '@gatehouse/sign-in/prisma';
import type { StorageDriver } from '@gatehouse/storage';
import {
  createApiKeyVerifier,
  createInternalTokenVerifier,
  createPrismaApiKeyRepository,
} from '@gatehouse/tenant-keys';
import addFormatsModule from 'ajv-formats';
import Fastify, { LogController } from 'fastify';
import {
  createDomainOwnershipProbe,
  type DomainOwnershipSettings,
} from './adapters/domain-ownership.client.ts';
import type { EpisodePolicyPublisher } from './adapters/episode-policy.publisher.ts';
import { createRepositories } from './adapters/repositories.ts';
import { createCustomDomainsService } from './domain/custom-domains.service.ts';
import { createEpisodesService } from './domain/episodes.service.ts';
import type { OriginUrlKeeper } from './domain/origin-url-keeper.ts';
import { createOriginLookup } from './domain/origins.service.ts';
import { createPrivateFileStore, type PrivateFileSettings } from './domain/private-files.service.ts';
import { createPublicFilesService } from './domain/public-files/public-files.service.ts';
import type { SecureLinkIssuer } from './domain/secure-link-issuer.ts';
import { createShowsService } from './domain/shows.service.ts';
import type { UploadLimits } from './domain/upload-plan.ts';
import { createUploadsService } from './domain/uploads.service.ts';
import { apiKeyAuthenticator, internalAuthenticator } from './routes/api-key-auth.ts';
import { domainRoutes } from './routes/domains.routes.ts';
import { episodeRoutes } from './routes/episodes.routes.ts';
import { originRoutes } from './routes/origins.routes.ts';
import { publicFileRoutes, publicFileUploadRoutes } from './routes/public-files.routes.ts';
import type { RouteDeps } from './routes/route-deps.ts';
import { secureLinkRoutes } from './routes/secure-links.routes.ts';
import { showRoutes } from './routes/shows.routes.ts';
import { uploadRoutes } from './routes/uploads.routes.ts';

// ajv-formats is CommonJS: its default export arrives wrapped under Node's ESM loader.
const addFormats =
  (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

/** nginx secure_link links for tenants' private files (seed 003). */
export interface SecureLinkOptions {
  issue: SecureLinkIssuer;
  /** `SECURE_LINK_PREFIX`: uploaded private files go to `{prefix}t/{tenantId}/…`. */
  privatePrefix: string;
  /** Present when the service can write into the edge's `secureLink.root` (PRIVATE_FILES_DIR). */
  privateFiles?: PrivateFileSettings | undefined;
}

/** Everything the media app needs, built by `main.ts` (or a test) and passed in. */
export interface MediaAppDeps {
  logger: Logger;
  readiness: readonly ReadinessCheck[];
  prisma: PrismaClient;
  storage: StorageDriver;
  policies: EpisodePolicyPublisher;
  originKeeper: OriginUrlKeeper;
  /** Wakes the outbox relay after a commit that enqueued an event. */
  notifyOutbox: () => void;
  limits: UploadLimits & { uploadUrlTtlSeconds: number };
  /** `INTERNAL_API_TOKEN`: callers of `/internal/…` (the auth service) send it as a Bearer token. */
  internalApiToken: string;
  /** Absent: the secure link routes are not served. */
  secureLinks?: SecureLinkOptions | undefined;
  /** Where custom domains' ownership proofs are looked up (absent: system DNS, HTTP port 80). */
  domainOwnership?: DomainOwnershipSettings | undefined;
  /** PUBLIC_BASE_URL: public file URLs in API bodies start with it (absent: they are paths). */
  publicBaseUrl?: string | undefined;
}

/** Adapters (Postgres) → domain services: all the routes get. */
function createRouteDeps(deps: MediaAppDeps): RouteDeps {
  const { storage, originKeeper, secureLinks } = deps;
  const repositories = createRepositories(deps);
  const shows = createShowsService(repositories.shows);
  return {
    shows,
    episodes: createEpisodesService(repositories.episodes),
    uploads: createUploadsService({
      uploads: repositories.uploads,
      episodes: repositories.episodes,
      storage,
      originKeeper,
      limits: deps.limits,
    }),
    domains: createCustomDomainsService(
      repositories.domains,
      createDomainOwnershipProbe(deps.domainOwnership),
    ),
    publicFiles: createPublicFilesService({
      storage,
      files: repositories.publicFiles,
      shows,
      episodes: repositories.episodes,
      warn: (details, message) => deps.logger.warn(details, message),
    }),
    publicBaseUrl: (deps.publicBaseUrl ?? '').replace(/\/+$/, ''),
    origins: createOriginLookup({ storageKind: storage.kind, uploads: repositories.uploads, originKeeper }),
    secureLinks: secureLinks && {
      issue: secureLinks.issue,
      privateFiles:
        secureLinks.privateFiles &&
        createPrivateFileStore({ ...secureLinks.privateFiles, prefix: secureLinks.privatePrefix }),
    },
  };
}

/** Builds the media service's HTTP app. Reads no configuration and opens no connection itself. */
export function buildApp(deps: MediaAppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Access logs are the edge's job; the services log what they decide.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // A path parameter longer than find-my-way's default (100) would get a bare 414 from the router;
    // let it reach the params schema, which answers the documented 400 (ids are UUIDs).
    routerOptions: { maxParamLength: 8192 },
    // Reject unknown properties instead of silently dropping them; formats (uuid, date-time, uri, email).
    ajv: { customOptions: { removeAdditional: false }, plugins: [addFormats as never] },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // OpenAPI document generated from the routes' JSON schemas (scripts/schemathesis.sh runs
  // against it). Registered before the route plugins so its onRoute hook sees them.
  app.register(swagger, { openapi: { info: { title: 'Gatehouse media', version: '1' } } });
  installHttpBasics(app, { service: 'media', checks: deps.readiness, openapi: () => ({ ...app.swagger() }) });

  const routeDeps = createRouteDeps(deps);
  // Tenant API key, or the dashboard's session cookie (+ X-CSRF-Token on writes).
  const authenticate = apiKeyAuthenticator(
    createApiKeyVerifier(createPrismaApiKeyRepository(deps.prisma)),
    creatorSessionsFromPrisma(deps.prisma),
  );
  const authenticateInternal = internalAuthenticator(createInternalTokenVerifier(deps.internalApiToken));

  // The creators' API: tenant API keys.
  app.register(
    async (api) => {
      api.decorateRequest('tenantId', '');
      api.addHook('onRequest', authenticate);
      await api.register(showRoutes, { deps: routeDeps });
      await api.register(episodeRoutes, { deps: routeDeps });
      await api.register(uploadRoutes, { deps: routeDeps });
      await api.register(domainRoutes, { deps: routeDeps });
      await api.register(publicFileUploadRoutes, { deps: routeDeps });
      if (routeDeps.secureLinks) await api.register(secureLinkRoutes, { deps: routeDeps.secureLinks });
    },
    { prefix: '/api/v1' },
  );
  // Podcast apps: stored artwork, transcripts and chapters, without credentials.
  app.register(publicFileRoutes, { prefix: '/api/v1/public', deps: routeDeps });
  // Service-to-service: the auth service's origin URL cold path (INTERNAL_API_TOKEN).
  app.register(async (internal) => {
    internal.addHook('onRequest', authenticateInternal);
    await internal.register(originRoutes, { deps: routeDeps });
  });

  return app;
}
