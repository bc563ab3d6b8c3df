import type { CustomDomainRecord } from './domain-source.ts';
import {
  ANNOTATION_USE_REGEX,
  CUSTOM_DOMAIN_ROUTES,
  PUBLIC_ROUTE_PATH_TYPE,
  SERVICE_PORT_NAME,
} from './public-routes.ts';
import type { ReconcilerConfig } from './reconciler-config.ts';

/** Labels that tie an object to its tenant and mark it as ours (the reconciler only touches these). */
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'gatehouse';
export const LABEL_TENANT = 'gatehouse.dev/tenant-id';
export const LABEL_DOMAIN = 'gatehouse.dev/custom-domain-id';
/** Which reconciler (one per release: its Lease name) owns the object, so two installs never fight. */
export const LABEL_RECONCILER = 'gatehouse.dev/reconciler';
export const ANNOTATION_ISSUER = 'cert-manager.io/cluster-issuer';
export const ANNOTATION_HOSTNAME = 'gatehouse.dev/hostname';
/**
 * Annotations the reconciler owns: on update, one of these that the desired object no longer has is
 * removed (others' annotations, e.g. cert-manager's, are kept).
 */
export const OWNED_ANNOTATIONS: readonly string[] = [
  ANNOTATION_ISSUER,
  ANNOTATION_HOSTNAME,
  ANNOTATION_USE_REGEX,
];

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

export interface RouteObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    ownerReferences: Array<OwnerRef & { controller: boolean; blockOwnerDeletion: boolean }>;
    resourceVersion?: string;
  };
  spec: Record<string, unknown>;
}

export function apiVersionKind(cfg: ReconcilerConfig): { apiVersion: string; kind: string } {
  return cfg.kind === 'ingress'
    ? { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' }
    : { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' };
}

export function selectorFor(cfg: ReconcilerConfig): string {
  return `${LABEL_MANAGED_BY}=${MANAGED_BY},${LABEL_RECONCILER}=${cfg.leaseName}`;
}

export function objectName(cfg: ReconcilerConfig, domain: CustomDomainRecord): string {
  // The row id, not the host name: renaming a domain updates its object instead of churning it.
  return `${cfg.namePrefix}${domain.id.toLowerCase()}`;
}

/** The object a routed domain should have, exactly as the reconciler writes it. */
export function desiredRoute(
  cfg: ReconcilerConfig,
  domain: CustomDomainRecord,
  owner: OwnerRef,
): RouteObject {
  const name = objectName(cfg, domain);
  const { apiVersion, kind } = apiVersionKind(cfg);
  const metadata: RouteObject['metadata'] = {
    name,
    namespace: cfg.namespace,
    labels: {
      [LABEL_MANAGED_BY]: MANAGED_BY,
      [LABEL_RECONCILER]: cfg.leaseName,
      [LABEL_TENANT]: domain.tenantId,
      [LABEL_DOMAIN]: domain.id,
    },
    annotations: { [ANNOTATION_HOSTNAME]: domain.hostname },
    ownerReferences: [{ ...owner, controller: true, blockOwnerDeletion: false }],
  };
  if (cfg.kind === 'ingress') {
    metadata.annotations[ANNOTATION_ISSUER] = cfg.clusterIssuer;
    const target = cfg.target;
    let paths: Array<Record<string, unknown>>;
    if (target.edgeMode === 'edge') {
      // The edge answers 404 itself for every non-public path, on any Host.
      paths = [
        {
          path: '/',
          pathType: 'Prefix',
          backend: { service: { name: target.backend.service, port: { number: target.backend.port } } },
        },
      ];
    } else {
      // ingress-nginx: exactly the platform host's public prefixes, in the same path style.
      metadata.annotations[ANNOTATION_USE_REGEX] = 'true';
      paths = CUSTOM_DOMAIN_ROUTES.map((route) => ({
        path: route.prefix,
        pathType: PUBLIC_ROUTE_PATH_TYPE,
        backend: { service: { name: target.services[route.service], port: { name: SERVICE_PORT_NAME } } },
      }));
    }
    return {
      apiVersion,
      kind,
      metadata,
      spec: {
        ...(cfg.ingressClassName ? { ingressClassName: cfg.ingressClassName } : {}),
        // cert-manager's ingress-shim issues the certificate into this Secret.
        tls: [{ hosts: [domain.hostname], secretName: `${name}-tls` }],
        rules: [{ host: domain.hostname, http: { paths } }],
      },
    };
  }
  // Gateway API: certificates belong to the Gateway's listeners (cert-manager's gateway-shim),
  // so the route carries only the host name.
  const ref = cfg.gatewayRef as NonNullable<ReconcilerConfig['gatewayRef']>;
  // parseReconcilerConfig refuses httproute with ingress-nginx: a Gateway has no edge behind it there.
  if (cfg.target.edgeMode !== 'edge') throw new Error('HTTPRoute domains need edgeMode edge');
  const backend = cfg.target.backend;
  return {
    apiVersion,
    kind,
    metadata,
    spec: {
      parentRefs: [
        {
          name: ref.name,
          ...(ref.namespace ? { namespace: ref.namespace } : {}),
          ...(ref.sectionName ? { sectionName: ref.sectionName } : {}),
        },
      ],
      hostnames: [domain.hostname],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ name: backend.service, port: backend.port }],
        },
      ],
    },
  };
}

/**
 * True when every field we set is already on the live object. The API server adds defaults
 * (e.g. HTTPRoute weights, group/kind) that must not count as drift, so only our fields compare.
 */
export function isSubset(wanted: unknown, actual: unknown): boolean {
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(actual) &&
      wanted.length === actual.length &&
      wanted.every((w, i) => isSubset(w, actual[i]))
    );
  }
  if (typeof wanted === 'object' && wanted !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    const a = actual as Record<string, unknown>;
    return Object.entries(wanted).every(([k, v]) => isSubset(v, a[k]));
  }
  return wanted === actual;
}

/** Labels/annotations/owners/spec of the live object already match: nothing to write. */
export function isUpToDate(desired: RouteObject, live: Record<string, unknown>): boolean {
  const meta = (live.metadata ?? {}) as Record<string, unknown>;
  const { name: _n, namespace: _ns, ...wantedMeta } = desired.metadata;
  const liveAnnotations = (meta.annotations ?? {}) as Record<string, string>;
  const staleOwned = OWNED_ANNOTATIONS.some(
    (k) => k in liveAnnotations && !(k in desired.metadata.annotations),
  );
  return !staleOwned && isSubset(wantedMeta, meta) && isSubset(desired.spec, live.spec);
}
