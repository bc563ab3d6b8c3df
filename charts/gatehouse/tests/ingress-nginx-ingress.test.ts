// templates/ingress-nginx-ingress.yaml
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INTERNAL_PREFIXES } from '../../../nginx-ingress/src/server-locations.ts';
import {
  ANNOTATION_USE_REGEX,
  PUBLIC_ROUTE_PATH_TYPE,
  PUBLIC_ROUTES,
  SERVICE_PORT_NAME,
} from '../../../packages/k8s-domains/src/index.ts';
import { FULLNAME, find, ofKind, renderChart, skipWithoutTools } from './chart-harness.ts';

/**
 * The public prefixes of docs/edge-protocol.md and the service behind each: the one list the
 * custom-domain reconciler also routes (packages/k8s-domains/src/public-routes.ts). The template
 * cannot import it, so this test holds the two equal.
 */
const PUBLIC_ROUTES_BY_PREFIX: Record<string, string> = Object.fromEntries(
  PUBLIC_ROUTES.map((r) => [r.prefix, r.service]),
);
/**
 * The pages (issue 10) and the web player's download links, routed on the platform host only
 * (custom domains keep PUBLIC_ROUTES). Regexes: `/app` and `/listen` with or without a path, not
 * `/apple`; `/v1/download-links` exactly.
 */
const PAGE_ROUTES: [string, string][] = [
  ['/app(/|$)', 'web'],
  ['/listen(/|$)', 'web'],
  ['/ui/', 'web'],
  ['/web/', 'web'],
  ['/operator/', 'web'],
  ['/v1/download-links$', 'auth'],
];

test('ingress-nginx mode: one Ingress for the host with the class, TLS and annotations', (t) => {
  if (skipWithoutTools(t)) return;
  const ing = find(renderChart({ scenario: 'ingress-nginx' }), 'Ingress', FULLNAME);
  assert.equal(ing.spec.ingressClassName, 'nginx');
  assert.deepEqual(ing.spec.tls, [{ hosts: ['media.ci.example.com'], secretName: 'gatehouse-tls' }]);
  assert.equal(ing.metadata.annotations?.['cert-manager.io/cluster-issuer'], 'letsencrypt');
  // No snippet annotations: the admin-level ConfigMap snippets carry the locations.
  assert.ok(!Object.keys(ing.metadata.annotations ?? {}).some((k) => k.includes('snippet')));
  assert.equal(ing.spec.rules[0].host, 'media.ci.example.com');
  assert.equal(
    ofKind(renderChart({ scenario: 'edge' }), 'Ingress').filter((i) => i.metadata.name === FULLNAME).length,
    0,
  );
});

test('ingress-nginx mode routes only the public prefixes: /internal/ and other paths are not routed', (t) => {
  if (skipWithoutTools(t)) return;
  const ing = find(renderChart({ scenario: 'ingress-nginx' }), 'Ingress', FULLNAME);
  const paths: { path: string; pathType: string; backend: { service: { name: string; port: unknown } } }[] =
    ing.spec.rules.flatMap((r: { http: { paths: unknown[] } }) => r.http.paths);
  // Same prefixes, same order, same services as the reconciler's list.
  assert.deepEqual(
    paths.map((p) => [p.path, p.backend.service.name]),
    Object.entries(PUBLIC_ROUTES_BY_PREFIX).map(([p, svc]) => [p, `${FULLNAME}-${svc}`]),
  );
  for (const p of paths)
    assert.deepEqual(p.backend.service, { name: p.backend.service.name, port: { name: SERVICE_PORT_NAME } });
  // Regex locations (use-regex): a Prefix path would render `location /m/`, a duplicate of the
  // snippet's `location ^~ /m/` that nginx (and so the controller) refuses.
  assert.equal(ing.metadata.annotations?.[ANNOTATION_USE_REGEX], 'true');
  for (const p of paths) assert.equal(p.pathType, PUBLIC_ROUTE_PATH_TYPE, p.path);
  assert.equal(
    ing.spec.defaultBackend,
    undefined,
    'no default backend: unmatched paths get the controller 404',
  );
  // Every path is matched as a prefix (`~* "^<path>"`): none may cover a service-internal request.
  const notRouted = [
    ...INTERNAL_PREFIXES.map((p) => `${p}v1/origins`),
    '/',
    '/metrics',
    '/readyz',
    '/openapi.json',
  ];
  for (const request of notRouted) {
    const routed = paths.filter((p) => new RegExp(`^${p.path}`, 'i').test(request));
    assert.deepEqual(routed, [], `${request} must not be routed`);
  }
  assert.ok(INTERNAL_PREFIXES.includes('/internal/'));
});

test('ingress-nginx mode: the pages and download links in a second Ingress for the host only', (t) => {
  if (skipWithoutTools(t)) return;
  const docs = renderChart({ scenario: 'ingress-nginx' });
  const main = find(docs, 'Ingress', FULLNAME);
  const ing = find(docs, 'Ingress', `${FULLNAME}-pages`);
  // Same class, host, TLS and annotations as the main Ingress; a custom domain gets neither page route.
  assert.deepEqual(ing.spec.ingressClassName, main.spec.ingressClassName);
  assert.deepEqual(ing.spec.tls, main.spec.tls);
  assert.deepEqual(ing.metadata.annotations, main.metadata.annotations);
  assert.equal(ing.spec.rules.length, 1);
  assert.equal(ing.spec.rules[0].host, 'media.ci.example.com');
  const paths: { path: string; pathType: string; backend: { service: { name: string; port: unknown } } }[] =
    ing.spec.rules[0].http.paths;
  assert.deepEqual(
    paths.map((p) => [p.path, p.pathType, p.backend.service.name, p.backend.service.port]),
    PAGE_ROUTES.map(([p, svc]) => [
      p,
      PUBLIC_ROUTE_PATH_TYPE,
      `${FULLNAME}-${svc}`,
      { name: SERVICE_PORT_NAME },
    ]),
  );
  const routedTo = (request: string) =>
    paths.filter((p) => new RegExp(`^${p.path}`, 'i').test(request)).map((p) => p.backend.service.name);
  for (const [request, svc] of [
    ['/app', 'web'],
    ['/app/shows/1', 'web'],
    ['/listen', 'web'],
    ['/listen/acme/show', 'web'],
    ['/ui/assets/index-1.js', 'web'],
    ['/web/v1/session', 'web'],
    ['/operator/v1/tenants', 'web'],
    ['/v1/download-links', 'auth'],
  ] as const)
    assert.deepEqual(routedTo(request), [`${FULLNAME}-${svc}`], request);
  for (const request of ['/apple', '/listening', '/v1/download-links-x', '/v1/other'])
    assert.deepEqual(routedTo(request), [], request);
  for (const request of [...INTERNAL_PREFIXES.map((p) => `${p}v1/origins`), '/', '/metrics', '/readyz'])
    assert.deepEqual(routedTo(request), [], request);
  assert.equal(
    ofKind(renderChart({ scenario: 'edge' }), 'Ingress').filter(
      (i) => i.metadata.name === `${FULLNAME}-pages`,
    ).length,
    0,
  );
});
