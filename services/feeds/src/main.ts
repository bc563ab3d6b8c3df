import { createVersionedStore } from '@gatehouse/access-cache';
import { loadConfig } from '@gatehouse/config';
import { createPrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { onShutdown, runMain } from '@gatehouse/observability';
import { parseKeyring } from '@gatehouse/tokens';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { createAccessRecordsStore } from './adapters/access-records.store.ts';
import { createBillingRotationClient } from './adapters/billing-rotation.client.ts';
import { createCatalogStore } from './adapters/feeds.repository.ts';
import { listenForMediaEvents } from './adapters/media-events.listener.ts';
import { createPortalStore } from './adapters/portal.repository.ts';
import { createSmtpMailer } from './adapters/smtp-mailer.ts';
import { createStripePortalGateway } from './adapters/stripe-portal.gateway.ts';
import { buildApp } from './app.ts';
import { CatalogCache } from './domain/catalog-cache.ts';
import { createFeedService } from './domain/feed-service.ts';
import { FeedTemplateCache } from './domain/feed-template.ts';
import { createPortalService } from './domain/portal-service.ts';
import { feedsConfigSchema } from './feeds.config.ts';

await runMain('feeds', async () => {
  const config = loadConfig(feedsConfigSchema);
  const logger = createLogger({ level: config.LOG_LEVEL, service: 'feeds' });
  const keyring = parseKeyring(config.TOKEN_KEYS, config.TOKEN_ACTIVE_KID);
  const baseUrl = config.PUBLIC_BASE_URL.replace(/\/+$/, '');

  const prisma = createPrismaClient(config.DATABASE_URL);
  await prisma.$queryRaw`SELECT 1`.catch((error: Error) => {
    throw new Error(`Postgres unreachable (${error.message.split('\n')[0]})`);
  });
  const nats = await connect({ servers: config.NATS_URL.split(','), name: 'gatehouse-feeds' }).catch(
    (error: Error) => {
      throw new Error(`NATS at ${config.NATS_URL} unreachable (${error.message})`);
    },
  );

  let started = false;
  const redis = new Redis(config.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // Fail the start on an unreachable Redis; once serving, reconnect (reads fall back to Postgres meanwhile).
    retryStrategy: (attempt: number): number | null => (started ? Math.min(attempt * 100, 1000) : null),
  });
  redis.on('error', (error: Error) => {
    if (started) logger.warn({ err: error }, 'redis connection error');
  });
  await redis.connect().catch((error: Error) => {
    throw new Error(`Redis at ${config.REDIS_URL} unreachable (${error.message})`);
  });

  // Per-request access: Redis validity records + a ≤ 1 s in-process cache; Postgres only on a miss.
  const access = createAccessRecordsStore({
    records: createVersionedStore(redis),
    db: prisma,
    subscriberTtlMs: config.ACCESS_CACHE_MS,
    planTtlMs: config.ACCESS_CACHE_MS,
  });
  const catalogs = new CatalogCache(createCatalogStore(prisma), {
    revalidateMs: config.CATALOG_REVALIDATE_MS,
  });
  const templates = new FeedTemplateCache();
  catalogs.onChange = (showId) => templates.invalidateShow(showId);
  const listener = listenForMediaEvents(nats, (showId) => catalogs.invalidate(showId), logger);

  const mailer = createSmtpMailer(config.SMTP_URL, config.MAIL_FROM);
  const app = buildApp({
    logger,
    secureCookies: baseUrl.startsWith('https://'),
    readiness: [
      { name: 'postgres', check: () => prisma.$queryRaw`SELECT 1` },
      { name: 'redis', check: async () => (await redis.ping()) === 'PONG' },
      { name: 'nats', check: async () => !nats.isClosed() && (await nats.rtt()) >= 0 },
    ],
    feeds: createFeedService({
      keyring,
      catalogs,
      templates,
      access,
      baseUrl,
    }),
    portal: createPortalService({
      store: createPortalStore(prisma),
      access,
      mailer,
      stripe: createStripePortalGateway({
        secretKey: config.STRIPE_SECRET_KEY,
        host: config.STRIPE_API_HOST,
        port: config.STRIPE_API_PORT,
        protocol: config.STRIPE_API_PROTOCOL,
      }),
      rotator: createBillingRotationClient(config.BILLING_URL, config.INTERNAL_API_TOKEN),
      keyring,
      baseUrl,
      sessionTtlSeconds: config.PORTAL_SESSION_TTL_SECONDS,
      magicLinkTtlSeconds: config.MAGIC_LINK_TTL_SECONDS,
    }),
  });

  await app.listen({ host: config.HOST, port: config.PORT });
  started = true;
  onShutdown(
    async () => {
      await app.close();
      listener.stop();
      await nats.drain();
      mailer.close();
      redis.disconnect();
      await prisma.$disconnect();
    },
    { graceMs: config.SHUTDOWN_GRACE_MS, log: (message) => logger.info(message) },
  );
});
