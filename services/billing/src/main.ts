import { checkPostgres, connectNats } from '@gatehouse/clients';
import { loadConfig } from '@gatehouse/config';
import { createPrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { onShutdown, runMain } from '@gatehouse/observability';
import { createOutboxRelay, ensureStreams } from '@gatehouse/outbox';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createStripeClient, createStripeGateway } from './adapters/stripe-gateway.ts';
import { createSubscriptionSyncStore } from './adapters/subscription-sync.repository.ts';
import { createWebhookVerifier } from './adapters/webhook-verifier.ts';
import { buildApp } from './app.ts';
import { billingConfigSchema, webhookSecrets } from './billing.config.ts';
import { reconcileSubscriptions, scheduleReconciliation } from './domain/subscription-reconciler.ts';

await runMain('billing', async () => {
  const config = loadConfig(billingConfigSchema);
  const logger = createLogger({ level: config.LOG_LEVEL, service: 'billing' });

  const prisma = createPrismaClient(config.DATABASE_URL, { applicationName: 'gatehouse-billing' });
  await checkPostgres(prisma);
  // NATS may be down at start: webhooks are still accepted (the outbox holds the events), so the
  // connection keeps retrying in the background instead of failing the start.
  const nats = await connectNats(config.NATS_URL, 'billing', {
    waitOnFirstConnect: true,
    maxReconnectAttempts: -1,
  });
  const js = jetstream(nats);
  void jetstreamManager(nats)
    .then((jsm) => ensureStreams(jsm))
    .catch((error: unknown) => logger.warn({ err: error }, 'could not ensure JetStream streams yet'));

  const stripe = createStripeClient(config);
  const gateway = createStripeGateway(stripe);
  const relay = createOutboxRelay({
    prisma,
    js,
    logger,
    sweepIntervalMs: config.OUTBOX_SWEEP_MS,
    status: nats.status(),
  });
  relay.start();

  const app = buildApp({
    logger,
    prisma,
    gateway,
    verifier: createWebhookVerifier(stripe, webhookSecrets(config)),
    onCommitted: () => relay.notify(),
    publicBaseUrl: config.PUBLIC_BASE_URL.replace(/\/$/, ''),
    internalApiToken: config.INTERNAL_API_TOKEN,
    publicCheckoutsPerMinute: config.PUBLIC_CHECKOUTS_PER_MINUTE,
    trustProxy: config.TRUSTED_PROXIES || false,
    readiness: [{ name: 'postgres', check: () => prisma.$queryRaw`SELECT 1` }],
  });

  const syncStore = createSubscriptionSyncStore(prisma);
  const stopReconciliation =
    config.RECONCILE_INTERVAL_MS > 0
      ? scheduleReconciliation(
          () =>
            reconcileSubscriptions(syncStore, gateway, {
              logger,
              onRepaired: () => relay.notify(),
            }).then((report) => logger.info(report, 'reconciliation finished')),
          config.RECONCILE_INTERVAL_MS,
        )
      : () => {};

  await app.listen({ host: config.HOST, port: config.PORT });
  onShutdown(
    async () => {
      stopReconciliation();
      await app.close();
      await relay.stop();
      await nats.drain();
      await prisma.$disconnect();
    },
    { graceMs: config.SHUTDOWN_GRACE_MS, log: (message) => logger.info(message) },
  );
});
