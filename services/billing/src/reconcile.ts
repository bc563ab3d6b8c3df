// One reconciliation run from the command line: `node services/billing/src/reconcile.ts`.
// Reads the same configuration as the service (DATABASE_URL, STRIPE_*); the outbox rows it writes
// are published by the running billing service's relay (its sweep picks them up).
import { loadConfig } from '@gatehouse/config';
import { createPrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { runMain } from '@gatehouse/observability';
import { createStripeClient, createStripeGateway } from './adapters/stripe-gateway.ts';
import { createSubscriptionSyncStore } from './adapters/subscription-sync.repository.ts';
import { reconcileConfigSchema } from './billing.config.ts';
import { reconcileSubscriptions } from './domain/subscription-reconciler.ts';

await runMain('reconcile', async () => {
  const config = loadConfig(reconcileConfigSchema);
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
