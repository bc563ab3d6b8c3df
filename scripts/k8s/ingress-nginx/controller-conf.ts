/**
 * An emulation of the ingress-nginx controller's configuration step, for the in-cluster run of
 * the chart's `edge.mode: ingress-nginx` (issue 13). The controller image cannot be pulled here
 * and the project was retired in March 2026, so instead of the controller this writes the
 * nginx.conf that the controller's template would write for the same inputs — its ConfigMap's
 * `http-snippet` and `server-snippet`, the Ingress objects of its class, their Services — and
 * Debian's nginx serves it in a pod (scripts/k8s/ingress-nginx/controller.yaml).
 *
 * What is kept from the controller's template (rootfs/etc/nginx/template/nginx.tmpl, read for
 * its shape): the http-level defaults and maps (`$best_http_host`, `$pass_port`, `$req_id`,
 * `$connection_upgrade`), the http-snippet inside `http {}` before the servers, one server per
 * host with the server-snippet first and then the Ingress paths, the catch-all `_` server that
 * also gets the server-snippet, `use-regex` making every path of that host a case-insensitive
 * regex location (`~* "^/m/"`), longest path first, the proxy headers and timeouts of a default
 * location, and a 404 for anything no path matches (no default backend).
 *
 * What differs, on purpose (docs/cluster.md "ingress-nginx mode"): the controller balances over
 * a Service's endpoints with Lua; here each backend is the Service's ClusterIP (what the
 * controller does with `service-upstream: "true"`). The config is written once, not on every
 * Ingress change, so Ingresses created later (the custom-domain reconciler's) are not served.
 * No TLS and no annotation other than `use-regex`: anything else is refused, not ignored.
 *   node scripts/k8s/ingress-nginx/controller-conf.ts --class nginx --resolver IP \
 *     --ingresses ingresses.json --services services.json --config-map cm.json > nginx.conf
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface IngressBackend {
  service?: { name: string; port: { name?: string; number?: number } };
}
export interface IngressObject {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    tls?: unknown[];
    rules?: {
      host?: string;
      http?: { paths: { path?: string; pathType: string; backend: IngressBackend }[] };
    }[];
  };
}
export interface ServiceObject {
  metadata: { name: string; namespace: string };
  spec: { clusterIP?: string; ports: { name?: string; port: number }[] };
}
export interface ControllerInputs {
  /** The IngressClass this controller serves (`--ingress-class`). */
  className: string;
  ingresses: IngressObject[];
  services: ServiceObject[];
  /** The controller ConfigMap's data. */
  config: Record<string, string>;
  /** The cluster DNS address (the controller writes `resolver` from the pod's resolv.conf). */
  resolver: string;
  /** The port nginx listens on in the pod (the Service maps 80 to it). */
  listenPort: number;
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: nginx's variable syntax, not a JS template
const LITERAL_DOLLAR = '${literal_dollar}';

/** A configuration the emulation would render differently from the controller. */
export class UnsupportedError extends Error {}

const ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io/';
const SUPPORTED_ANNOTATIONS = new Set([`${ANNOTATION_PREFIX}use-regex`]);
const SUPPORTED_CONFIG_KEYS = new Set(['http-snippet', 'server-snippet']);

interface Location {
  path: string;
  pathType: string;
  ingress: IngressObject;
  upstream: Upstream;
}
interface Upstream {
  name: string;
  service: string;
  port: number;
  address: string;
}

/** The controller's `$proxy_upstream_name`: namespace-service-port. */
const upstreamName = (namespace: string, service: string, port: number) => `${namespace}-${service}-${port}`;

function resolveUpstream(
  ingress: IngressObject,
  backend: IngressBackend,
  services: ServiceObject[],
): Upstream {
  const ref = backend.service;
  if (!ref) throw new UnsupportedError(`${ingress.metadata.name}: only Service backends are emulated`);
  const namespace = ingress.metadata.namespace;
  const svc = services.find((s) => s.metadata.namespace === namespace && s.metadata.name === ref.name);
  if (!svc?.spec.clusterIP || svc.spec.clusterIP === 'None')
    throw new UnsupportedError(`${ingress.metadata.name}: Service ${namespace}/${ref.name} has no ClusterIP`);
  const port = svc.spec.ports.find((p) =>
    ref.port.name !== undefined ? p.name === ref.port.name : p.port === ref.port.number,
  );
  if (!port)
    throw new UnsupportedError(
      `${ingress.metadata.name}: Service ${namespace}/${ref.name} has no port ${ref.port.name ?? ref.port.number}`,
    );
  return {
    name: upstreamName(namespace, ref.name, port.port),
    service: ref.name,
    port: port.port,
    address: `${svc.spec.clusterIP}:${port.port}`,
  };
}

function checkIngress(ingress: IngressObject): boolean {
  const annotations = ingress.metadata.annotations ?? {};
  for (const key of Object.keys(annotations))
    if (key.startsWith(ANNOTATION_PREFIX) && !SUPPORTED_ANNOTATIONS.has(key))
      throw new UnsupportedError(`${ingress.metadata.name}: annotation ${key} is not emulated`);
  if (ingress.spec.tls?.length) throw new UnsupportedError(`${ingress.metadata.name}: TLS is not emulated`);
  if (ingress.spec.defaultBackend)
    throw new UnsupportedError(`${ingress.metadata.name}: a default backend is not emulated`);
  return annotations[`${ANNOTATION_PREFIX}use-regex`] === 'true';
}

/** The `location` argument the controller writes for a path of a server. */
export function locationMatch(path: string, pathType: string, enforceRegex: boolean): string[] {
  if (enforceRegex) {
    if (pathType === 'Exact') return [`~* "^${path}$"`];
    return [`~* "^${path}"`];
  }
  if (pathType === 'Exact') return [`= ${path}`];
  if (pathType === 'Prefix' && path !== '/') {
    // A Prefix path matches the element itself and anything below it.
    const base = path.replace(/\/+$/, '');
    return [`${base}/`, `= ${base}`];
  }
  return [path];
}

const indent = (text: string, pad: string) =>
  text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : `${pad}${line}`))
    .join('\n');

function locationBlock(match: string, loc: Location): string {
  const h = 'proxy_set_header';
  return [
    `location ${match} {`,
    `    set $namespace      "${loc.ingress.metadata.namespace}";`,
    `    set $ingress_name   "${loc.ingress.metadata.name}";`,
    `    set $service_name   "${loc.upstream.service}";`,
    `    set $service_port   "${loc.upstream.port}";`,
    // A `$` in a path is written as the controller does, through a variable that holds "$".
    `    set $location_path  "${loc.path.replaceAll('$', LITERAL_DOLLAR)}";`,
    '    port_in_redirect off;',
    `    set $proxy_upstream_name "${loc.upstream.name}";`,
    '    client_max_body_size 1m;',
    `    ${h} Host $best_http_host;`,
    `    ${h} Upgrade $http_upgrade;`,
    `    ${h} Connection $connection_upgrade;`,
    `    ${h} X-Request-ID $req_id;`,
    `    ${h} X-Real-IP $remote_addr;`,
    `    ${h} X-Forwarded-For $remote_addr;`,
    `    ${h} X-Forwarded-Host $best_http_host;`,
    `    ${h} X-Forwarded-Port $pass_port;`,
    `    ${h} X-Forwarded-Proto $pass_access_scheme;`,
    `    ${h} X-Forwarded-Scheme $pass_access_scheme;`,
    `    ${h} X-Scheme $pass_access_scheme;`,
    `    ${h} X-Original-Forwarded-For $http_x_forwarded_for;`,
    `    ${h} Proxy "";`,
    '    proxy_connect_timeout 5s;',
    '    proxy_send_timeout 60s;',
    '    proxy_read_timeout 60s;',
    '    proxy_buffering off;',
    '    proxy_buffer_size 4k;',
    '    proxy_buffers 4 4k;',
    '    proxy_max_temp_file_size 1024m;',
    '    proxy_request_buffering on;',
    '    proxy_http_version 1.1;',
    '    proxy_cookie_domain off;',
    '    proxy_cookie_path off;',
    '    proxy_next_upstream error timeout;',
    '    proxy_next_upstream_timeout 0;',
    '    proxy_next_upstream_tries 3;',
    `    proxy_pass http://${loc.upstream.name};`,
    '}',
  ].join('\n');
}

function serverBlock(
  host: string,
  listenPort: number,
  serverSnippet: string,
  locations: Location[],
  enforceRegex: boolean,
): string {
  const isDefault = host === '_';
  // Longest path first: regex locations match in the order written.
  const sorted = [...locations].sort((a, b) => b.path.length - a.path.length);
  const seen = new Set<string>();
  const blocks: string[] = [];
  for (const loc of sorted)
    for (const match of locationMatch(loc.path, loc.pathType, enforceRegex)) {
      if (seen.has(match))
        throw new UnsupportedError(
          `${host}: two Ingress paths render "location ${match}" (the controller keeps one)`,
        );
      seen.add(match);
      blocks.push(locationBlock(match, loc));
    }
  // No path for "/": the controller's default backend answers, which is a 404 when none is set.
  if (!seen.has('/') && !seen.has('~* "^/"'))
    blocks.push(
      [
        'location / {',
        '    set $proxy_upstream_name "upstream-default-backend";',
        '    return 404;',
        '}',
      ].join('\n'),
    );
  return [
    `## start server ${host}`,
    'server {',
    `    server_name ${host};`,
    `    listen ${listenPort}${isDefault ? ' default_server reuseport backlog=4096' : ''};`,
    '    set $proxy_upstream_name "-";',
    ...(serverSnippet.trim()
      ? ['    # Custom code snippet configured in the configuration configmap', indent(serverSnippet, '    ')]
      : []),
    ...blocks.map((b) => indent(b, '    ')),
    '}',
    `## end server ${host}`,
  ].join('\n');
}

/** The nginx.conf the controller would write for these inputs. */
export function renderControllerConf(inputs: ControllerInputs): string {
  for (const key of Object.keys(inputs.config))
    if (!SUPPORTED_CONFIG_KEYS.has(key))
      throw new UnsupportedError(`controller ConfigMap key ${key} is not emulated`);
  const httpSnippet = inputs.config['http-snippet'] ?? '';
  const serverSnippet = inputs.config['server-snippet'] ?? '';

  const servers = new Map<string, { locations: Location[]; regex: boolean }>();
  const upstreams = new Map<string, Upstream>();
  const mine = inputs.ingresses.filter((i) => i.spec.ingressClassName === inputs.className);
  for (const ingress of mine) {
    const regex = checkIngress(ingress);
    for (const rule of ingress.spec.rules ?? []) {
      const host = rule.host || '_';
      const server = servers.get(host) ?? { locations: [], regex: false };
      server.regex ||= regex;
      for (const p of rule.http?.paths ?? []) {
        const upstream = resolveUpstream(ingress, p.backend, inputs.services);
        upstreams.set(upstream.name, upstream);
        server.locations.push({ path: p.path || '/', pathType: p.pathType, ingress, upstream });
      }
      servers.set(host, server);
    }
  }
  // The catch-all server always exists (and gets the server-snippet like every other server).
  if (!servers.has('_')) servers.set('_', { locations: [], regex: false });

  const upstreamBlocks = [...upstreams.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((u) =>
      [
        `upstream ${u.name} {`,
        `    server ${u.address};`,
        '    keepalive 320;',
        '    keepalive_time 1h;',
        '    keepalive_timeout 60s;',
        '    keepalive_requests 10000;',
        '}',
      ].join('\n'),
    );
  const hosts = [...servers.keys()].sort((a, b) => (a === '_' ? 1 : b === '_' ? -1 : a.localeCompare(b)));

  const http = [
    'aio threads;',
    'aio_write on;',
    'tcp_nopush on;',
    'tcp_nodelay on;',
    'log_subrequest on;',
    'reset_timedout_connection on;',
    'keepalive_timeout 75s;',
    'keepalive_requests 1000;',
    'client_body_temp_path /tmp/nginx/client-body;',
    'fastcgi_temp_path /tmp/nginx/fastcgi-temp;',
    'proxy_temp_path /tmp/nginx/proxy-temp;',
    'uwsgi_temp_path /tmp/nginx/uwsgi-temp;',
    'scgi_temp_path /tmp/nginx/scgi-temp;',
    'client_header_buffer_size 1k;',
    'client_header_timeout 60s;',
    'large_client_header_buffers 4 8k;',
    'client_body_buffer_size 8k;',
    'client_body_timeout 60s;',
    'types_hash_max_size 2048;',
    'server_names_hash_max_size 1024;',
    'server_names_hash_bucket_size 64;',
    'map_hash_bucket_size 64;',
    'proxy_headers_hash_max_size 512;',
    'proxy_headers_hash_bucket_size 64;',
    'variables_hash_bucket_size 256;',
    'variables_hash_max_size 2048;',
    'underscores_in_headers off;',
    'ignore_invalid_headers on;',
    'limit_req_status 503;',
    'limit_conn_status 503;',
    'include /etc/nginx/mime.types;',
    'default_type text/html;',
    'server_tokens off;',
    'uninitialized_variable_warn off;',
    'log_format upstreaminfo \'$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id\';',
    'map $request_uri $loggable {',
    '    default 1;',
    '}',
    'access_log /dev/stdout upstreaminfo if=$loggable;',
    'error_log /dev/stderr notice;',
    `resolver ${inputs.resolver} valid=30s ipv6=off;`,
    'map $http_upgrade $connection_upgrade {',
    '    default upgrade;',
    "    '' '';",
    '}',
    "map '' $the_real_ip {",
    '    default $remote_addr;',
    '}',
    "map '' $pass_access_scheme {",
    '    default $scheme;',
    '}',
    "map '' $pass_server_port {",
    '    default $server_port;',
    '}',
    'map $http_host $best_http_host {',
    '    default $http_host;',
    "    '' $host;",
    '}',
    // The pod listens on listenPort; clients came to the Service's port 80.
    'map $pass_server_port $pass_port {',
    `    ${inputs.listenPort} 80;`,
    '    default $pass_server_port;',
    '}',
    'map $http_x_request_id $req_id {',
    '    default $http_x_request_id;',
    '    "" $request_id;',
    '}',
    'geo $literal_dollar {',
    '    default "$";',
    '}',
    'server_name_in_redirect off;',
    'port_in_redirect off;',
    'proxy_ssl_session_reuse on;',
    ...(httpSnippet.trim()
      ? ['# Custom code snippet configured in the configuration configmap', httpSnippet]
      : []),
    ...upstreamBlocks,
    ...hosts.map((host) => {
      const s = servers.get(host)!;
      return serverBlock(host, inputs.listenPort, serverSnippet, s.locations, s.regex);
    }),
    // The controller's status server: its probes ask /healthz here.
    [
      'server {',
      '    listen 10254 default_server;',
      '    location = /healthz {',
      '        access_log off;',
      '        return 200;',
      '    }',
      '    location / {',
      '        return 404;',
      '    }',
      '}',
    ].join('\n'),
  ];
  return [
    '# Written by scripts/k8s/ingress-nginx/controller-conf.ts: an emulation of the ingress-nginx',
    '# controller for the in-cluster run (see that file for what it keeps and what differs).',
    'pid /tmp/nginx.pid;',
    'daemon off;',
    'worker_processes auto;',
    'worker_rlimit_nofile 65536;',
    'worker_shutdown_timeout 240s;',
    'events {',
    '    multi_accept on;',
    '    worker_connections 16384;',
    '    use epoll;',
    '}',
    'http {',
    indent(http.join('\n'), '    '),
    '}',
    '',
  ].join('\n');
}

const items = <T>(file: string): T[] => {
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  return (parsed.items ?? [parsed]) as T[];
};

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      class: { type: 'string', default: 'nginx' },
      resolver: { type: 'string' },
      'listen-port': { type: 'string', default: '8080' },
      ingresses: { type: 'string' },
      services: { type: 'string' },
      'config-map': { type: 'string' },
    },
  });
  if (!values.resolver || !values.ingresses || !values.services || !values['config-map']) {
    console.error(
      'usage: controller-conf.ts --resolver IP --ingresses F --services F --config-map F [--class nginx]',
    );
    process.exit(2);
  }
  try {
    const configMap = items<{ data?: Record<string, string> }>(values['config-map'])[0];
    process.stdout.write(
      renderControllerConf({
        className: values.class!,
        resolver: values.resolver,
        listenPort: Number(values['listen-port']),
        ingresses: items<IngressObject>(values.ingresses),
        services: items<ServiceObject>(values.services),
        config: configMap?.data ?? {},
      }),
    );
  } catch (error) {
    if (!(error instanceof UnsupportedError)) throw error;
    console.error(`controller-conf: ${error.message}`);
    process.exit(1);
  }
}
