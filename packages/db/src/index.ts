// @gatehouse/db: the Prisma client factory over node-postgres and the types adapters need.
// Only adapters import this package (a lint rule keeps routes and domain code away from it), so
// the surface is deliberately small: the client, the `Prisma` namespace (error classes,
// transaction client, input types), the model row types and enums as types — not the generated
// client wholesale. Nothing here reads the environment: callers pass the URL they loaded with
// @gatehouse/config. Run `npm run generate -w @gatehouse/db` once after install or after a
// schema change (the generated client is not checked in).
import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from './generated/prisma/client.ts';
import { parseDatabaseUrl } from './migrations/database-url.ts';

export type {
  AccessCredential,
  CustomDomain,
  Episode,
  MagicLink,
  MediaAsset,
  OutboxMessage,
  Plan,
  PlanGrant,
  PortalSession,
  ProcessedWebhook,
  Show,
  Subscriber,
  Subscription,
  Tenant,
  TenantApiKey,
} from './generated/prisma/client.ts';
export type {
  CredentialRotatedBy,
  CustomDomainStatus,
  EpisodeLifecycleKind,
  EpisodeStatus,
  EpisodeType,
  EpisodeVisibility,
  MediaAssetStatus,
  PlanInterval,
  StorageDriver,
  SubscriptionStatus,
  TenantStatus,
} from './generated/prisma/enums.ts';
export type { DatabaseTarget } from './migrations/database-url.ts';
export { DatabaseUrlError, parseDatabaseUrl } from './migrations/database-url.ts';
export { Prisma, PrismaClient };

export interface CreatePrismaClientOptions {
  /** pg pool size per process (default 10) */
  poolSize?: number;
  /** give up connecting after this long (default 5000 ms) */
  connectionTimeoutMs?: number;
  /** close idle pooled connections after this long (default 10000 ms) */
  idleTimeoutMs?: number;
  /** shown in pg_stat_activity, e.g. the service name */
  applicationName?: string;
  /** called when an idle pooled connection fails (the pool replaces it) */
  onPoolError?: (err: Error) => void;
  log?: Prisma.PrismaClientOptions['log'];
  transactionOptions?: Prisma.PrismaClientOptions['transactionOptions'];
}

/**
 * A PrismaClient on its own pg pool. Call `$disconnect()` on shutdown to close the pool.
 * Throws `DatabaseUrlError` for a missing or malformed URL.
 */
export function createPrismaClient(databaseUrl: string, opts: CreatePrismaClientOptions = {}): PrismaClient {
  const target = parseDatabaseUrl(databaseUrl);
  const poolSize = opts.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new RangeError(`poolSize must be a positive integer (got ${poolSize})`);
  }
  const adapter = new PrismaPg(
    {
      connectionString: target.url,
      max: poolSize,
      connectionTimeoutMillis: opts.connectionTimeoutMs ?? 5000,
      idleTimeoutMillis: opts.idleTimeoutMs ?? 10_000,
      ...(opts.applicationName ? { application_name: opts.applicationName } : {}),
    },
    opts.onPoolError ? { onPoolError: opts.onPoolError } : undefined,
  );
  return new PrismaClient({
    adapter,
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.transactionOptions ? { transactionOptions: opts.transactionOptions } : {}),
  });
}

/** True for a unique-constraint violation (Prisma P2002), e.g. a duplicate Stripe id. */
export function isUniqueViolation(err: unknown): err is Prisma.PrismaClientKnownRequestError {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}
