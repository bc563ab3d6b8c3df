// One reconciliation run from the command line: `node services/billing/src/reconcile.ts`.
// Reads the same configuration as the service (DATABASE_URL, STRIPE_*); the outbox rows it writes
// are published by the running billing service's relay (its sweep picks them up).
import { loadConfig, settings, Type } from '@gatehouse/config';
import { createPrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { runMain } from '@gatehouse/observability';
import { createStripeClient, createStripeGateway } from './adapters/stripe-gateway.ts';
import { createSubscriptionSyncStore } from './adapters/subscription-sync.repository.ts';
import { reconcileSubscriptions } from './domain/subscription-reconciler.ts';

await runMain('reconcile', async () => {
  const config = loadConfig(
    Type.Object({
      LOG_LEVEL: settings.LOG_LEVEL,
      DATABASE_URL: settings.DATABASE_URL,
      STRIPE_SECRET_KEY: settings.STRIPE_SECRET_KEY,
      STRIPE_API_HOST: settings.STRIPE_API_HOST,
      STRIPE_API_PORT: settings.STRIPE_API_PORT,
      STRIPE_API_PROTOCOL: settings.STRIPE_API_PROTOCOL,
    }),
  );
  const logger = createLogger({ level: config.LOG_LEVEL, service: 'reconcile' });
  const prisma = createPrismaClient(config.DATABASE_URL, {
    applicationName: 'gatehouse-reconcile',
    poolSize: 2,
  });
  try {
    const report = await reconcileSubscriptions(
      createSubscriptionSyncStore(prisma),
      createStripeGateway(createStripeClient(config)),
      {
        logger,
      },
    );
    process.stdout.write(`${JSON.stringify(report)}\n`);
    if (report.failed > 0) process.exitCode = 1;
  } finally {
    await prisma.$disconnect();
  }
});
