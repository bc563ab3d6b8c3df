/**
 * The custom-domain reconciler process (its own Deployment in the Helm chart, from the media
 * image): reads CustomDomain rows from Postgres and keeps one Ingress/HTTPRoute per active domain,
 * leader-elected through a Lease so several replicas are safe.
 *   node src/domain-reconciler/domain-reconciler.main.ts
 * Env: DATABASE_URL, RECONCILER_CONFIG (the chart's config.json), POD_NAME, POD_NAMESPACE,
 * LOG_LEVEL; KUBECONFIG outside a cluster.
 */
import { readFileSync } from 'node:fs';
import { createPrismaClient } from '@gatehouse/db';
import {
  createKubeObjects,
  DomainReconciler,
  LeaseElector,
  loadKubeConfig,
  parseReconcilerConfig,
  prismaDomainSource,
  runReconcilerLoop,
} from '@gatehouse/k8s-domains';
import { createLogger } from '@gatehouse/logging';
import { onShutdown, runMain } from '@gatehouse/observability';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

await runMain('domain-reconciler', async () => {
  const log = createLogger({ level: process.env.LOG_LEVEL || 'info', service: 'domain-reconciler' });
  const namespace = required('POD_NAMESPACE');
  const configFile = required('RECONCILER_CONFIG');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(configFile, 'utf8'));
  } catch (error) {
    throw new Error(`RECONCILER_CONFIG: cannot read ${configFile}: ${(error as Error).message}`);
  }
  const cfg = parseReconcilerConfig(raw, namespace);
  const prisma = createPrismaClient(required('DATABASE_URL'), {
    poolSize: 2,
    applicationName: 'domain-reconciler',
  });
  const kube = createKubeObjects(loadKubeConfig());
  const leaseDurationSeconds = 15;
  const elector = new LeaseElector(kube, {
    namespace,
    leaseName: cfg.leaseName,
    identity: required('POD_NAME'),
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
    { graceMs: 10_000, log: (message) => log.info(message) },
  );
  log.info({ namespace, kind: cfg.kind, lease: cfg.leaseName }, 'domain reconciler started');
});
