import { checkPostgres, connectNats, connectRedis } from '@gatehouse/clients';
import { loadConfig } from '@gatehouse/config';
import { createPrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { onShutdown, runMain } from '@gatehouse/observability';
import { createOutboxRelay, ensureStreams } from '@gatehouse/outbox';
import { LocalStorageDriver, S3StorageDriver, type StorageDriver } from '@gatehouse/storage';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createRedisEpisodePolicyPublisher } from './adapters/episode-policy.publisher.ts';
import { createRedisOriginUrlStore } from './adapters/origin-url.store.ts';
import { createRepositories } from './adapters/repositories.ts';
import { buildApp, type SecureLinkOptions } from './app.ts';
import { createOriginUrlKeeper } from './domain/origin-url-keeper.ts';
import { createSecureLinkIssuer } from './domain/secure-link-issuer.ts';
import { type MediaConfig, mediaConfigSchema } from './media.config.ts';

function createStorage(config: MediaConfig): StorageDriver {
  if (config.STORAGE_DRIVER === 'local') {
    if (!config.LOCAL_STORAGE_DIR) throw new Error('LOCAL_STORAGE_DIR is required when STORAGE_DRIVER=local');
    const base = (config.MEDIA_PUBLIC_URL ?? `http://127.0.0.1:${config.PORT}`).replace(/\/$/, '');
    return new LocalStorageDriver({
      root: config.LOCAL_STORAGE_DIR,
      uploadUrlFor: (id) => `${base}/api/v1/uploads/${id}/content`,
    });
  }
  const { S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY } = config;
  if (!S3_BUCKET || !S3_ACCESS_KEY_ID || !S3_SECRET_ACCESS_KEY) {
    throw new Error(
      'S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required when STORAGE_DRIVER=s3',
    );
  }
  return new S3StorageDriver({
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    bucket: S3_BUCKET,
    accessKeyId: S3_ACCESS_KEY_ID,
    secretAccessKey: S3_SECRET_ACCESS_KEY,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  });
}

/** Seed 003: links nginx verifies itself, and (with PRIVATE_FILES_DIR) a way to put files behind them. */
function createSecureLinks(config: MediaConfig): SecureLinkOptions | undefined {
  if (!config.SECURE_LINK_SECRET) return undefined;
  if (!config.PUBLIC_BASE_URL) throw new Error('PUBLIC_BASE_URL is required when SECURE_LINK_SECRET is set');
  const prefix = config.SECURE_LINK_PREFIX;
  const issue = createSecureLinkIssuer({
    secret: config.SECURE_LINK_SECRET,
    prefix,
    bindClientIp: config.SECURE_LINK_BIND_CLIENT_IP,
    publicBaseUrl: config.PUBLIC_BASE_URL,
  });
  if (!config.PRIVATE_FILES_DIR) return { issue, privatePrefix: prefix };
  const driver = new LocalStorageDriver({
    root: config.PRIVATE_FILES_DIR,
    uploadUrlFor: () => {
      throw new Error('private files have no upload URL');
    },
    // nginx workers run as another user (local stack: www-data; cluster: the edge container):
    // the directory is protected by the edge's secure_link location, not by file modes.
    fileMode: 0o644,
  });
  return {
    issue,
    privatePrefix: prefix,
    privateFiles: {
      write: (key, body, o) => driver.writeObject(key, body, o),
      maxBytes: config.PRIVATE_FILE_MAX_BYTES,
    },
  };
}

await runMain('media', async () => {
  const config = loadConfig(mediaConfigSchema);
  const logger = createLogger({ level: config.LOG_LEVEL, service: 'media' });
  const storage = createStorage(config);
  const secureLinks = createSecureLinks(config);

  const prisma = createPrismaClient(config.DATABASE_URL, { applicationName: 'gatehouse-media' });
  await checkPostgres(prisma);
  const redis = await connectRedis(config.REDIS_URL, { logger });
  const nats = await connectNats(config.NATS_URL, 'media');
  await ensureStreams(await jetstreamManager(nats));
  // The outbox relay publishes the episode events committed with each change (Nats-Msg-Id = eventId).
  const relay = createOutboxRelay({ prisma, js: jetstream(nats), logger, status: nats.status() });
  relay.start();

  const ttlMs = config.ORIGIN_URL_TTL_SECONDS * 1000;
  const originKeeper = createOriginUrlKeeper({
    store: createRedisOriginUrlStore(redis),
    presign: (objectKey, ttlSeconds) => storage.presignGet(objectKey, ttlSeconds),
    ttlMs,
  });
  const policies = createRedisEpisodePolicyPublisher(redis);

  const app = buildApp({
    logger,
    prisma,
    storage,
    policies,
    originKeeper,
    notifyOutbox: () => relay.notify(),
    internalApiToken: config.INTERNAL_API_TOKEN,
    secureLinks,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    domainOwnership: {
      dnsServers: config.DOMAIN_DNS_SERVERS?.split(','),
      httpPort: config.DOMAIN_HTTP_PROOF_PORT,
    },
    limits: {
      maxUploadBytes: config.MAX_UPLOAD_BYTES,
      multipartThresholdBytes: config.MULTIPART_THRESHOLD_BYTES,
      partSizeBytes: config.MULTIPART_PART_BYTES,
      uploadUrlTtlSeconds: config.UPLOAD_URL_TTL_SECONDS,
    },
    readiness: [
      { name: 'postgres', check: () => prisma.$queryRaw`SELECT 1` },
      { name: 'redis', check: () => redis.ping() },
      { name: 'storage', check: () => storage.checkReady() },
      { name: 'nats', check: async () => !nats.isClosed() && (await nats.rtt()) >= 0 },
    ],
  });

  // Periodic sweep: keep origin URLs of recently requested and recently ready S3 objects past half-life.
  const { uploads } = createRepositories({ prisma, policies, notifyOutbox: () => relay.notify(), logger });
  let sweeping = false;
  const sweep = setInterval(() => {
    if (sweeping || storage.kind !== 's3') return;
    sweeping = true;
    uploads
      .recentlyReadyS3Keys(new Date(Date.now() - 2 * ttlMs))
      .then((keys) => originKeeper.sweep(keys))
      .then((report) => {
        if (report.failed > 0) logger.warn(report, 'origin URL sweep had failures');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'origin URL sweep failed'))
      .finally(() => {
        sweeping = false;
      });
  }, config.ORIGIN_SWEEP_INTERVAL_SECONDS * 1000);
  sweep.unref();

  await app.listen({ host: config.HOST, port: config.PORT });
  onShutdown(
    async () => {
      clearInterval(sweep);
      await app.close();
      await relay.stop();
      await nats.drain();
      redis.disconnect();
      await prisma.$disconnect();
      if (storage instanceof S3StorageDriver) storage.close();
    },
    { graceMs: config.SHUTDOWN_GRACE_MS, log: (message) => logger.info(message) },
  );
});
