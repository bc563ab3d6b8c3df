// The ingress-nginx emulation's nginx.conf (controller-conf.ts): the controller's shape for the
// chart's own Ingresses and snippets, refusals for what it does not emulate, and `nginx -t`.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  FULLNAME,
  find,
  type Manifest,
  ofKind,
  renderChart,
  skipWithoutTools,
} from '../../../charts/gatehouse/tests/chart-harness.ts';
import { NGINX_BIN, nginxTest } from '../../../nginx-ingress/src/nginx-check.ts';
import {
  type ControllerInputs,
  type IngressObject,
  locationMatch,
  renderControllerConf,
  type ServiceObject,
  UnsupportedError,
} from './controller-conf.ts';

// No TLS section: the emulation serves plain HTTP only (and refuses TLS, tested below).
const SET = ['edge.mode=ingress-nginx', 'edge.host=gatehouse.ci.test', 'ingressNginx.tlsSecretName='];

/** The chart's ingress-nginx objects as the controller would read them (Services get addresses). */
function chartInputs(set: string[] = []): ControllerInputs {
  const docs = renderChart({ scenario: 'ingress-nginx', set: [...SET, ...set] });
  const withNamespace = <T>(m: Manifest) =>
    ({ ...m, metadata: { ...m.metadata, namespace: 'gatehouse' } }) as T;
  const services = ofKind(docs, 'Service').map((s, i) => {
    const svc = withNamespace<ServiceObject>(s);
    return { ...svc, spec: { ...svc.spec, clusterIP: `10.96.7.${i + 10}` } };
  });
  const cm = find(docs, 'ConfigMap', `${FULLNAME}-ingress-nginx-snippets`);
  return {
    className: 'nginx',
    resolver: '10.96.0.10',
    listenPort: 8080,
    ingresses: ofKind(docs, 'Ingress').map((i) => withNamespace<IngressObject>(i)),
    services,
    config: { 'http-snippet': cm.data['http-snippet'], 'server-snippet': cm.data['server-snippet'] },
  };
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('the ingress-nginx emulation writes the controller-shaped nginx.conf', () => {
  test('locations: use-regex makes case-insensitive anchored regexes; Prefix without it adds the exact name', () => {
    assert.deepEqual(locationMatch('/m/', 'ImplementationSpecific', true), ['~* "^/m/"']);
    assert.deepEqual(locationMatch('/app(/|$)', 'ImplementationSpecific', true), ['~* "^/app(/|$)"']);
    assert.deepEqual(locationMatch('/x', 'Exact', true), ['~* "^/x$"']);
    assert.deepEqual(locationMatch('/api', 'Prefix', false), ['/api/', '= /api']);
    assert.deepEqual(locationMatch('/', 'Prefix', false), ['/']);
    assert.deepEqual(locationMatch('/x', 'Exact', false), ['= /x']);
  });

  test("the chart's Ingresses and snippets: one server for the host, the catch-all, both with the server-snippet", (t) => {
    if (skipWithoutTools(t)) return;
    const inputs = chartInputs();
    const conf = renderControllerConf(inputs);
    const serverSnippet = inputs.config['server-snippet']!;
    // The http-snippet once, inside http {}, before the first server.
    assert.equal(count(conf, 'upstream gh_auth {'), 1);
    assert.ok(conf.indexOf('upstream gh_auth {') < conf.indexOf('## start server'));
    assert.match(conf, /server gh-gatehouse-auth\.gatehouse\.svc:80 max_fails=0;/);
    // Two servers (the host of both Ingresses merged, and `_`), each with every snippet location.
    assert.equal(count(conf, '## start server '), 2);
    assert.ok(conf.includes('server_name gatehouse.ci.test;'));
    assert.ok(conf.includes('server_name _;'));
    const firstSnippetLine = serverSnippet.split('\n').find((l) => l.startsWith('location '))!;
    assert.equal(count(conf, firstSnippetLine), 2, firstSnippetLine);
    // Both Ingresses' paths as regex locations of the host, longest first, to ClusterIP upstreams.
    const host = conf.slice(
      conf.indexOf('## start server gatehouse.ci.test'),
      conf.indexOf('## end server gatehouse.ci.test'),
    );
    const regexes = [...host.matchAll(/^ {8}location (~\* "[^"]+") \{$/gm)].map((m) => m[1] ?? '');
    assert.ok(regexes.includes('~* "^/m/"') && regexes.includes('~* "^/app(/|$)"'), regexes.join(' '));
    assert.deepEqual(
      regexes.map((r) => r.length),
      [...regexes.map((r) => r.length)].sort((a, b) => b - a),
    );
    assert.match(conf, /upstream gatehouse-gh-gatehouse-auth-80 \{\n {8}server 10\.96\.7\.\d+:80;/);
    assert.match(host, /set \$proxy_upstream_name "gatehouse-gh-gatehouse-web-80";/);
    // Nothing else is routed: no default backend, a 404.
    assert.match(
      host,
      /location \/ \{\n\s+set \$proxy_upstream_name "upstream-default-backend";\n\s+return 404;/,
    );
  });

  test('nginx -t accepts the emulated controller config, both media auth modes', {
    skip: existsSync(NGINX_BIN) ? false : `no nginx at ${NGINX_BIN}`,
  }, (t) => {
    if (skipWithoutTools(t)) return;
    for (const mode of ['decision-cache', 'x-accel']) {
      const inputs = chartInputs([`edge.mediaAuthMode=${mode}`]);
      const result = nginxTest((dir) =>
        renderControllerConf(inputs)
          // Service names resolve only inside the cluster; paths go under the throw-away prefix.
          .replace(/gh-gatehouse-[a-z]+\.gatehouse\.svc:80/g, '127.0.0.1:80')
          .replaceAll('/tmp/nginx/', `${dir}/`)
          .replace('pid /tmp/nginx.pid;', `pid ${dir}/nginx.pid;`)
          .replaceAll('/var/cache/gatehouse/', `${dir}/`)
          .replace('access_log /dev/stdout', `access_log ${dir}/access.log`)
          .replace('error_log /dev/stderr', `error_log ${dir}/error.log`)
          .replace('daemon off;', ''),
      );
      assert.ok(result.ok, `${mode}: ${result.output}`);
    }
  });

  test('refuses what it would render differently: other annotations, TLS, unknown ConfigMap keys, missing Services', (t) => {
    if (skipWithoutTools(t)) return;
    const inputs = chartInputs();
    const first = inputs.ingresses[0]!;
    const withIngress = (ingress: IngressObject) => ({ ...inputs, ingresses: [ingress] });
    const annotated = {
      ...first,
      metadata: { ...first.metadata, annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } },
    };
    assert.throws(() => renderControllerConf(withIngress(annotated)), /rewrite-target is not emulated/);
    // Other controllers' annotations (cert-manager) are not the controller's business.
    const certManager = {
      ...first,
      metadata: { ...first.metadata, annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' } },
    };
    assert.doesNotThrow(() => renderControllerConf(withIngress(certManager)));
    const tls = {
      ...first,
      spec: { ...first.spec, tls: [{ hosts: ['gatehouse.ci.test'], secretName: 's' }] },
    };
    assert.throws(() => renderControllerConf(withIngress(tls)), UnsupportedError);
    assert.throws(
      () =>
        renderControllerConf({ ...inputs, config: { ...inputs.config, 'use-forwarded-headers': 'true' } }),
      /use-forwarded-headers is not emulated/,
    );
    assert.throws(() => renderControllerConf({ ...inputs, services: [] }), /has no ClusterIP/);
    // Another class's Ingresses are not this controller's.
    const other = { ...first, spec: { ...first.spec, ingressClassName: 'traefik' } };
    assert.doesNotMatch(renderControllerConf(withIngress(other)), /server_name gatehouse\.ci\.test;/);
  });
});
