import { readFileSync } from 'node:fs';
import { PUBLIC_ROUTE_SERVICES, type PublicRouteService } from './public-routes.ts';

/**
 * The reconciler's settings, read from the JSON the Helm chart writes (ConfigMap
 * `<release>-domain-reconciler`, key config.json). Parsing refuses anything unexpected so a
 * chart/library mismatch fails at start, naming the field.
 */
export interface GatewayRef {
  name: string;
  namespace?: string;
  sectionName?: string;
}

/**
 * Where a custom domain's traffic goes: the same as the platform host (chart value `edge.mode`).
 * - `edge`: everything to the Gatehouse edge Service, which answers 404 itself for every path that
 *   is not public (`location ^~ /internal/`, `/edge/`, and a final `location / { return 404; }`).
 * - `ingress-nginx`: only the public prefixes (public-routes.ts), each to its Service; the rest gets
 *   the controller's default backend (404). There is no edge Service to send `/` to.
 */
export type RouteTarget =
  | { edgeMode: 'edge'; backend: { service: string; port: number } }
  | { edgeMode: 'ingress-nginx'; services: Record<PublicRouteService, string> };

export interface ReconcilerConfig {
  namespace: string;
  kind: 'ingress' | 'httproute';
  clusterIssuer: string;
  ingressClassName: string;
  gatewayRef?: GatewayRef;
  target: RouteTarget;
  /** Name of the coordination.k8s.io Lease that elects the acting replica. */
  leaseName: string;
  /** ConfigMap that owns every created object (garbage collection on uninstall). */
  ownerConfigMap: string;
  /** Prefix of created object names; the domain id follows. */
  namePrefix: string;
  intervalSeconds: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const DNS_LABELISH = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function parseReconcilerConfig(raw: unknown, namespace: string): ReconcilerConfig {
  const fail = (field: string, problem: string): never => {
    throw new ConfigError(`reconciler config: ${field} ${problem}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('(root)', 'must be an object');
  const r = raw as Record<string, unknown>;
  const known = [
    'kind',
    'clusterIssuer',
    'ingressClassName',
    'gatewayRef',
    'edgeMode',
    'backend',
    'services',
    'leaseName',
    'ownerConfigMap',
    'namePrefix',
    'intervalSeconds',
  ];
  for (const key of Object.keys(r)) if (!known.includes(key)) fail(key, 'is not a known setting');
  const str = (field: string, pattern = DNS_LABELISH): string => {
    const v = r[field];
    if (typeof v !== 'string' || !pattern.test(v)) fail(field, `must match ${pattern}`);
    return v as string;
  };
  if (!DNS_LABELISH.test(namespace)) fail('namespace', 'must be a namespace name');
  const kind = r.kind;
  if (kind !== 'ingress' && kind !== 'httproute') fail('kind', 'must be ingress or httproute');
  const edgeMode = r.edgeMode;
  if (edgeMode !== 'edge' && edgeMode !== 'ingress-nginx') fail('edgeMode', 'must be edge or ingress-nginx');
  let target: RouteTarget;
  if (edgeMode === 'edge') {
    if (r.services !== undefined) fail('services', 'is for edgeMode ingress-nginx only');
    const backend = r.backend as Record<string, unknown> | undefined;
    if (typeof backend !== 'object' || backend === null) fail('backend', 'must be {service, port}');
    const b = backend as Record<string, unknown>;
    if (typeof b.service !== 'string' || !DNS_LABELISH.test(b.service))
      fail('backend.service', 'must be a Service name');
    if (!Number.isInteger(b.port) || (b.port as number) < 1 || (b.port as number) > 65535)
      fail('backend.port', 'must be a port');
    target = { edgeMode, backend: { service: b.service as string, port: b.port as number } };
  } else {
    if (r.backend !== undefined)
      fail('backend', 'is for edgeMode edge only (ingress-nginx routes each public prefix to its service)');
    const services = r.services as Record<string, unknown> | undefined;
    if (typeof services !== 'object' || services === null || Array.isArray(services))
      fail('services', `must be {${PUBLIC_ROUTE_SERVICES.join(', ')}}`);
    const svc = services as Record<string, unknown>;
    for (const key of Object.keys(svc))
      if (!(PUBLIC_ROUTE_SERVICES as readonly string[]).includes(key))
        fail(`services.${key}`, 'is not a service');
    const names = {} as Record<PublicRouteService, string>;
    for (const name of PUBLIC_ROUTE_SERVICES) {
      const v = svc[name];
      if (typeof v !== 'string' || !DNS_LABELISH.test(v)) fail(`services.${name}`, 'must be a Service name');
      names[name] = v as string;
    }
    target = { edgeMode: 'ingress-nginx', services: names };
  }
  let gatewayRef: GatewayRef | undefined;
  const g = r.gatewayRef as Record<string, unknown> | undefined;
  if (g !== undefined && g !== null && Object.keys(g).length > 0) {
    if (typeof g.name !== 'string' || !DNS_LABELISH.test(g.name))
      fail('gatewayRef.name', 'must be a Gateway name');
    gatewayRef = { name: g.name as string };
    if (g.namespace !== undefined) gatewayRef.namespace = String(g.namespace);
    if (g.sectionName !== undefined) gatewayRef.sectionName = String(g.sectionName);
  }
  if (kind === 'httproute' && !gatewayRef) fail('gatewayRef', 'is required for kind httproute');
  // ingress-nginx serves Ingress objects only, and the media locations live in its server-snippet:
  // an HTTPRoute would be served by another implementation, without the edge.
  if (kind === 'httproute' && target.edgeMode === 'ingress-nginx')
    fail('kind', 'httproute needs edgeMode edge (ingress-nginx mode routes with Ingress objects)');
  const interval = r.intervalSeconds;
  if (!Number.isInteger(interval) || (interval as number) < 1)
    fail('intervalSeconds', 'must be a positive integer');
  const ingressClassName = r.ingressClassName ?? '';
  if (
    typeof ingressClassName !== 'string' ||
    (ingressClassName !== '' && !DNS_LABELISH.test(ingressClassName))
  ) {
    fail('ingressClassName', 'must be an IngressClass name or empty');
  }
  const namePrefix = str('namePrefix', /^[a-z0-9]([-a-z0-9]*-)?$/);
  if (namePrefix.length > 200) fail('namePrefix', 'is too long');
  return {
    namespace,
    kind: kind as ReconcilerConfig['kind'],
    clusterIssuer: str('clusterIssuer'),
    ingressClassName: ingressClassName as string,
    ...(gatewayRef ? { gatewayRef } : {}),
    target,
    leaseName: str('leaseName'),
    ownerConfigMap: str('ownerConfigMap'),
    namePrefix,
    intervalSeconds: interval as number,
  };
}

/**
 * Reads and parses the settings file (`RECONCILER_CONFIG`, the chart's config.json). An unreadable
 * or malformed file is a ConfigError naming the variable and the file.
 */
export function readReconcilerConfig(file: string, namespace: string): ReconcilerConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`RECONCILER_CONFIG: cannot read ${file}: ${(error as Error).message}`);
  }
  return parseReconcilerConfig(raw, namespace);
}
