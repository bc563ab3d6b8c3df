import { type Static, settings, Type } from '@gatehouse/config';

/**
 * Every variable the domain reconciler reads (the chart's `domain-reconciler` Deployment sets them).
 * `domain-reconciler.main.ts` loads it once; the routing settings themselves are the JSON file
 * RECONCILER_CONFIG names (parsed by `@gatehouse/k8s-domains`).
 */
export const domainReconcilerConfigSchema = Type.Object({
  LOG_LEVEL: settings.LOG_LEVEL,
  SHUTDOWN_GRACE_MS: settings.SHUTDOWN_GRACE_MS,
  DATABASE_URL: settings.DATABASE_URL,
  RECONCILER_CONFIG: Type.String({
    minLength: 1,
    description:
      "Path of the reconciler's routing settings, JSON (chart: the ConfigMap <release>-domain-reconciler mounted at /etc/gatehouse/config.json).",
  }),
  POD_NAME: Type.String({
    minLength: 1,
    description: "This replica's identity in the leader election Lease (chart: the pod's metadata.name).",
  }),
  POD_NAMESPACE: Type.String({
    pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
    maxLength: 63,
    description:
      "Namespace of the Lease and of the Ingress/HTTPRoute objects it manages (chart: the pod's metadata.namespace).",
  }),
  KUBECONFIG: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'kubeconfig file of the cluster to manage, outside a cluster; unset: ~/.kube/config, else the in-cluster service account.',
    }),
  ),
});

export type DomainReconcilerConfig = Static<typeof domainReconcilerConfigSchema>;
