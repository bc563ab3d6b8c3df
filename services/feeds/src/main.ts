import { createVersionedStore } from '@gatehouse/access-cache';
import {
  checkPostgres,
  connectNats,
  connectRedis,
  createBillingRotationClient,
  createSmtpMailer,
} from '@gatehouse/clients';
import { loadConfig } from '@gatehouse/config';
import { createPrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { onShutdown, runMain } from '@gatehouse/observability';
import { parseKeyring } from '@gatehouse/tokens';
import { createAccessRecordsStore } from './adapters/access-records.store.ts';
import { createCatalogStore } from './adapters/feeds.repository.ts';
import { listenForMediaEvents } from './adapters/media-events.listener.ts';
import { createPortalStore } from './adapters/portal.repository.ts';
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
  await checkPostgres(prisma);
  const nats = await connectNats(config.NATS_URL, 'feeds');
  // Fails the start on an unreachable Redis; once connected it reconnects (reads fall back to Postgres meanwhile).
  const redis = await connectRedis(config.REDIS_URL, { logger });

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
      rotator: createBillingRotationClient(config.BILLING_URL, config.INTERNAL_API_TOKEN, 'subscriber'),
      keyring,
      baseUrl,
      sessionTtlSeconds: config.PORTAL_SESSION_TTL_SECONDS,
      magicLinkTtlSeconds: config.MAGIC_LINK_TTL_SECONDS,
    }),
  });

  await app.listen({ host: config.HOST, port: config.PORT });
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
