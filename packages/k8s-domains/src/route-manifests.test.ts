import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANNOTATION_USE_REGEX, CUSTOM_DOMAIN_ROUTES, PUBLIC_ROUTES } from './public-routes.ts';
import { ConfigError, parseReconcilerConfig } from './reconciler-config.ts';
import { desiredRoute, isUpToDate } from './route-manifests.ts';

const raw = {
  kind: 'ingress',
  clusterIssuer: 'letsencrypt',
  ingressClassName: '',
  gatewayRef: {},
  edgeMode: 'edge',
  backend: { service: 'gh-gatehouse-edge', port: 80 },
  leaseName: 'gh-gatehouse-domain-reconciler',
  ownerConfigMap: 'gh-gatehouse-domain-reconciler',
  namePrefix: 'gh-gatehouse-domain-',
  intervalSeconds: 30,
};
const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'gh-gatehouse-domain-reconciler', uid: 'u-1' };
const services = {
  auth: 'gh-gatehouse-auth',
  media: 'gh-gatehouse-media',
  feeds: 'gh-gatehouse-feeds',
  billing: 'gh-gatehouse-billing',
  web: 'gh-gatehouse-web',
};
const { backend: _edgeBackend, ...rawNoBackend } = raw;
const rawNginx = { ...rawNoBackend, edgeMode: 'ingress-nginx', ingressClassName: 'nginx', services };
const domain = { id: '0190A', tenantId: 't-1', hostname: 'a.example.com', status: 'active' as const };

test('config: unknown keys, bad kinds and a missing gateway are refused by name', () => {
  assert.equal(parseReconcilerConfig(raw, 'gatehouse').ingressClassName, '');
  assert.throws(() => parseReconcilerConfig({ ...raw, kinds: 'x' }, 'ns'), /kinds is not a known setting/);
  assert.throws(
    () => parseReconcilerConfig({ ...raw, kind: 'gateway' }, 'ns'),
    /kind must be ingress or httproute/,
  );
  assert.throws(() => parseReconcilerConfig({ ...raw, kind: 'httproute' }, 'ns'), /gatewayRef is required/);
  assert.throws(
    () => parseReconcilerConfig({ ...raw, backend: { service: 'x', port: 0 } }, 'ns'),
    ConfigError,
  );
});

test('manifest: no ingressClassName when empty; a lower-case name from the row id; drift detection', () => {
  const cfg = parseReconcilerConfig(raw, 'gatehouse');
  const ing = desiredRoute(cfg, domain, owner);
  assert.equal(ing.metadata.name, 'gh-gatehouse-domain-0190a');
  assert.equal('ingressClassName' in ing.spec, false);
  // Server-added fields do not count as drift; a changed host does.
  const live = JSON.parse(JSON.stringify(ing));
  live.metadata.uid = 'x';
  live.metadata.labels.extra = 'y';
  live.status = { loadBalancer: {} };
  assert.equal(isUpToDate(ing, live), true);
  live.spec.rules[0].host = 'b.example.com';
  assert.equal(isUpToDate(ing, live), false);
  const route = desiredRoute(
    parseReconcilerConfig({ ...raw, kind: 'httproute', gatewayRef: { name: 'gw' } }, 'ns'),
    domain,
    owner,
  );
  assert.equal(route.kind, 'HTTPRoute');
  assert.equal(route.metadata.annotations['cert-manager.io/cluster-issuer'], undefined);
});

test('config: the edge mode names its targets; a mismatch between mode and target is refused', () => {
  assert.deepEqual(parseReconcilerConfig(raw, 'ns').target, {
    edgeMode: 'edge',
    backend: { service: 'gh-gatehouse-edge', port: 80 },
  });
  assert.deepEqual(parseReconcilerConfig(rawNginx, 'ns').target, { edgeMode: 'ingress-nginx', services });
  const { edgeMode: _m, ...noMode } = raw;
  assert.throws(() => parseReconcilerConfig(noMode, 'ns'), /edgeMode must be edge or ingress-nginx/);
  assert.throws(
    () => parseReconcilerConfig({ ...raw, services }, 'ns'),
    /services is for edgeMode ingress-nginx/,
  );
  assert.throws(
    () => parseReconcilerConfig({ ...rawNginx, backend: raw.backend }, 'ns'),
    /backend is for edgeMode edge only/,
  );
  const { billing: _b, ...threeServices } = services;
  assert.throws(
    () => parseReconcilerConfig({ ...rawNginx, services: threeServices }, 'ns'),
    /services\.billing must be a Service name/,
  );
  // The listener pages on a custom domain are the web service's: a config without it is refused.
  const { web: _w, ...noWeb } = services;
  assert.throws(
    () => parseReconcilerConfig({ ...rawNginx, services: noWeb }, 'ns'),
    /services\.web must be a Service name/,
  );
  assert.throws(
    () => parseReconcilerConfig({ ...rawNginx, services: { ...services, edge: 'x' } }, 'ns'),
    /services\.edge is not a service/,
  );
  assert.throws(
    () => parseReconcilerConfig({ ...rawNginx, kind: 'httproute', gatewayRef: { name: 'gw' } }, 'ns'),
    /kind httproute needs edgeMode edge/,
  );
});

test('manifest, edge mode: every path to the edge Service (it refuses internal paths itself)', () => {
  const ing = desiredRoute(parseReconcilerConfig(raw, 'ns'), domain, owner);
  // biome-ignore lint/suspicious/noExplicitAny: manifest spec is free-form
  const spec = ing.spec as any;
  assert.deepEqual(spec.rules[0].http.paths, [
    {
      path: '/',
      pathType: 'Prefix',
      backend: { service: { name: 'gh-gatehouse-edge', port: { number: 80 } } },
    },
  ]);
  assert.equal(ing.metadata.annotations[ANNOTATION_USE_REGEX], undefined);
  const route = desiredRoute(
    parseReconcilerConfig({ ...raw, kind: 'httproute', gatewayRef: { name: 'gw' } }, 'ns'),
    domain,
    owner,
  );
  // biome-ignore lint/suspicious/noExplicitAny: as above
  assert.deepEqual((route.spec as any).rules, [
    {
      matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      backendRefs: [{ name: 'gh-gatehouse-edge', port: 80 }],
    },
  ]);
});

test('manifest, ingress-nginx mode: only the public prefixes, as regex paths, each to its service', () => {
  const ing = desiredRoute(parseReconcilerConfig(rawNginx, 'ns'), domain, owner);
  assert.equal(ing.metadata.annotations[ANNOTATION_USE_REGEX], 'true');
  // biome-ignore lint/suspicious/noExplicitAny: manifest spec is free-form
  const paths: any[] = (ing.spec as any).rules[0].http.paths;
  assert.deepEqual(
    paths.map((p) => [p.path, p.pathType, p.backend.service.name, p.backend.service.port.name]),
    CUSTOM_DOMAIN_ROUTES.map((r) => [r.prefix, 'ImplementationSpecific', services[r.service], 'http']),
  );
  // The platform host's public prefixes first (the chart compares those with its main Ingress), each once.
  assert.deepEqual(CUSTOM_DOMAIN_ROUTES.slice(0, PUBLIC_ROUTES.length), [...PUBLIC_ROUTES]);
  assert.equal(new Set(paths.map((p) => p.path)).size, paths.length);
  // The controller renders each path as `~* "^<path>"`: the listener pages and every call they make
  // reach their service (first matching path here; the snippet's own locations win in nginx)…
  const routedTo = (request: string) =>
    paths.filter((p) => new RegExp(`^${p.path}`, 'i').test(request)).map((p) => p.backend.service.name);
  for (const [request, service] of [
    ['/listen/acme/the-show', services.web],
    ['/listen/acme/welcome?session_id=cs_1', services.web],
    ['/listen/acme/account', services.web],
    ['/ui/assets/index-abc123.js', services.web],
    ['/web/v1/public/shows/acme/the-show', services.web],
    ['/portal/acme/api/account', services.feeds],
    ['/billing/v1/public/checkout', services.billing],
    ['/v1/download-links', services.auth],
    ['/f/token/show.xml', services.feeds],
    ['/m/token/e1/ep.mp3', services.auth],
  ] as const) {
    assert.deepEqual(routedTo(request), [service], request);
  }
  // …and no service-internal request, nor the dashboard, its session API or the operator API, matches one.
  for (const request of [
    '/',
    '/internal/v1/origins',
    '/edge/decide/media/x',
    '/metrics',
    '/readyz',
    '/openapi.json',
    '/app',
    '/app/shows',
    '/listen',
    '/ui/index.html',
    '/web/v1/session',
    '/web/v1/sign-in',
    '/operator/v1/tenants',
    '/v1/download-links/x',
  ]) {
    assert.deepEqual(
      paths.filter((p) => new RegExp(`^${p.path}`, 'i').test(request)).map((p) => p.path),
      [],
      `${request} must not be routed`,
    );
  }
  // A switch from ingress-nginx to edge mode is drift, even if the paths were edited to match.
  const edgeIng = desiredRoute(parseReconcilerConfig(raw, 'ns'), domain, owner);
  const live = JSON.parse(JSON.stringify(edgeIng));
  live.metadata.annotations[ANNOTATION_USE_REGEX] = 'true';
  assert.equal(isUpToDate(edgeIng, live), false);
  assert.equal(isUpToDate(ing, JSON.parse(JSON.stringify(ing))), true);
});
