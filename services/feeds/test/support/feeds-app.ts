import { createVersionedStore } from '@gatehouse/access-cache';
import { createSmtpMailer } from '@gatehouse/clients';
import type { PrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import type { Keyring } from '@gatehouse/tokens';
import type { Redis } from 'ioredis';
import { createAccessRecordsStore } from '../../src/adapters/access-records.store.ts';
import { createCatalogStore } from '../../src/adapters/feeds.repository.ts';
import { createPortalStore } from '../../src/adapters/portal.repository.ts';
import { createStripePortalGateway } from '../../src/adapters/stripe-portal.gateway.ts';
import { buildApp } from '../../src/app.ts';
import { CatalogCache } from '../../src/domain/catalog-cache.ts';
import { createFeedService } from '../../src/domain/feed-service.ts';
import { FeedTemplateCache } from '../../src/domain/feed-template.ts';
import { createPortalService, type TokenRotator } from '../../src/domain/portal-service.ts';

export const BASE_URL = 'https://media.example.test';

/** The feeds app on the real adapters (Postgres, SMTP, stripe-mock), as main.ts wires it. */
export function buildFeedsApp(options: {
  prisma: PrismaClient;
  /** The real Redis of the stack: the access records the feed reads per request. */
  redis: Redis;
  keyring: Keyring;
  smtpUrl: string;
  stripe: { host: string; port: number; protocol: 'http' | 'https'; secretKey: string };
  rotator?: TokenRotator;
  revalidateMs?: number;
  accessCacheMs?: number;
  baseUrl?: string;
}) {
  const baseUrl = options.baseUrl ?? BASE_URL;
  const access = createAccessRecordsStore({
    records: createVersionedStore(options.redis),
    db: options.prisma,
    subscriberTtlMs: options.accessCacheMs ?? 1_000,
  });
  const catalogs = new CatalogCache(createCatalogStore(options.prisma), {
    revalidateMs: options.revalidateMs ?? 0,
  });
  const templates = new FeedTemplateCache();
  catalogs.onChange = (showId) => templates.invalidateShow(showId);
  const mailer = createSmtpMailer(options.smtpUrl, 'Gatehouse <no-reply@gatehouse.test>');
  const app = buildApp({
    logger: createLogger({ level: 'silent', service: 'feeds-test' }),
    readiness: [],
    secureCookies: false,
    feeds: createFeedService({
      keyring: options.keyring,
      catalogs,
      templates,
      access,
      baseUrl,
    }),
    portal: createPortalService({
      store: createPortalStore(options.prisma),
      access,
      mailer,
      stripe: createStripePortalGateway(options.stripe),
      rotator: options.rotator ?? {
        rotate: async () => {
          throw new Error('rotation not wired in this test');
        },
      },
      keyring: options.keyring,
      baseUrl,
      sessionTtlSeconds: 3600,
      magicLinkTtlSeconds: 600,
    }),
  });
  app.addHook('onClose', async () => mailer.close());
  return { app, catalogs, templates };
}
