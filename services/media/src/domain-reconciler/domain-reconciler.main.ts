/**
 * The custom-domain reconciler process (its own Deployment in the Helm chart, from the media
 * image): reads CustomDomain rows from Postgres and keeps one Ingress/HTTPRoute per active domain,
 * leader-elected through a Lease so several replicas are safe.
 *   node src/domain-reconciler/domain-reconciler.main.ts
 * Environment: domain-reconciler.config.ts.
 */
import { loadConfig } from '@gatehouse/config';
import { createPrismaClient } from '@gatehouse/db';
import {
  createKubeObjects,
  DomainReconciler,
  LeaseElector,
  loadKubeConfig,
  prismaDomainSource,
  readReconcilerConfig,
  runReconcilerLoop,
} from '@gatehouse/k8s-domains';
import { createLogger } from '@gatehouse/logging';
import { onShutdown, runMain } from '@gatehouse/observability';
import { domainReconcilerConfigSchema } from './domain-reconciler.config.ts';

await runMain('domain-reconciler', async () => {
  const config = loadConfig(domainReconcilerConfigSchema);
  const log = createLogger({ level: config.LOG_LEVEL, service: 'domain-reconciler' });
  const namespace = config.POD_NAMESPACE;
  const cfg = readReconcilerConfig(config.RECONCILER_CONFIG, namespace);
  const prisma = createPrismaClient(config.DATABASE_URL, {
    poolSize: 2,
    applicationName: 'domain-reconciler',
  });
  const kube = createKubeObjects(loadKubeConfig(config.KUBECONFIG));
  const leaseDurationSeconds = 15;
  const elector = new LeaseElector(kube, {
    namespace,
    leaseName: cfg.leaseName,
    identity: config.POD_NAME,
    leaseDurationSeconds,
  });
  const reconciler = new DomainReconciler(kube, prismaDomainSource(prisma), cfg);
  const stop = new AbortController();
  const loop = runReconcilerLoop(elector, reconciler, {
    renewSeconds: Math.floor(leaseDurationSeconds / 3),
    intervalSeconds: cfg.intervalSeconds,
    signal: stop.signal,
    log,
  });
  onShutdown(
    async () => {
      stop.abort();
      await loop;
      await prisma.$disconnect();
    },
    { graceMs: config.SHUTDOWN_GRACE_MS, log: (message) => log.info(message) },
  );
  log.info({ namespace, kind: cfg.kind, lease: cfg.leaseName }, 'domain reconciler started');
});
