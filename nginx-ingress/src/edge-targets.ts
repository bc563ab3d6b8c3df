import { realIpDirectives } from './edge-records.ts';
import { type AuthMode, authModes, type EdgeValues, type Target } from './edge-values.ts';
import { httpContext } from './http-context.ts';
import { block, comment, type Node, renderNodes } from './nginx-text.ts';
import { serverLocations } from './server-locations.ts';

function edgeServer(v: EdgeValues, target: Target, mode: AuthMode, listen: string[]): Node {
  return block(
    'server',
    listen.map((l) => `listen ${l};`),
    `server_name ${v.serverName};`,
    'server_tokens off;',
    `client_max_body_size ${v.clientMaxBodySize};`,
    realIpDirectives(v),
    block('location = /healthz', 'access_log off;', 'default_type text/plain;', 'return 200 "ok\\n";'),
    serverLocations(v, target, mode),
    block('location /', 'return 404;'),
  );
}

/**
 * The edge's servers: the main one in `media.authMode`, and with `media.xAccelListen` a second one
 * in x-accel mode on the same caches (one media cache, two front doors).
 */
function edgeServers(v: EdgeValues, target: Target): Node[] {
  const servers: Node[] = [edgeServer(v, target, v.media.authMode, v.listen)];
  if (v.media.xAccelListen.length > 0) {
    servers.push(
      '',
      comment(
        'Second front door: the X-Accel-Redirect protocol on the same media cache (media.xAccelListen).',
      ),
      edgeServer(v, target, 'x-accel', v.media.xAccelListen),
    );
  }
  return servers;
}

/** The local stack: included by the stack's nginx.conf inside its `http {}` (conf.d/edge.conf). */
export function renderLocal(v: EdgeValues): string {
  return renderNodes([httpContext(v, authModes(v, 'local')), '', edgeServers(v, 'local')]);
}

/** The Gatehouse edge Deployment (official nginx image): a complete nginx.conf. */
export function renderEdge(v: EdgeValues): string {
  return renderNodes([
    comment('Gatehouse edge nginx.conf — rendered by nginx-ingress/render.sh edge; do not edit.'),
    'worker_processes auto;',
    'pid /tmp/nginx.pid;',
    'error_log /dev/stderr notice;',
    block('events', 'worker_connections 8192;'),
    block(
      'http',
      'include /etc/nginx/mime.types;',
      'default_type application/octet-stream;',
      'access_log /dev/stdout;',
      // The image's writable paths: /tmp and the cache volume (read-only root filesystem works).
      'client_body_temp_path /tmp/client_body;',
      'proxy_temp_path /tmp/proxy;',
      'fastcgi_temp_path /tmp/fastcgi;',
      'uwsgi_temp_path /tmp/uwsgi;',
      'scgi_temp_path /tmp/scgi;',
      'sendfile on;',
      'tcp_nopush on;',
      'keepalive_timeout 65;',
      'keepalive_requests 100000;',
      'server_tokens off;',
      '',
      httpContext(v, authModes(v, 'edge')),
      '',
      edgeServers(v, 'edge'),
    ),
  ]);
}

export interface IngressNginxSnippets {
  'http-snippet': string;
  'server-snippet': string;
}

/** ingress-nginx: the two admin-level ConfigMap keys of the controller. */
export function renderIngressNginx(v: EdgeValues): IngressNginxSnippets {
  return {
    'http-snippet': renderNodes(httpContext(v, authModes(v, 'ingress-nginx'))),
    'server-snippet': renderNodes(serverLocations(v, 'ingress-nginx')),
  };
}

/** ConfigMap `data:` YAML of the two snippets (block scalars keep the text byte-exact). */
export function ingressNginxYaml(s: IngressNginxSnippets): string {
  const scalar = (text: string) =>
    text
      .trimEnd()
      .split('\n')
      .map((line) => (line === '' ? '' : `    ${line}`))
      .join('\n');
  return `data:\n  http-snippet: |\n${scalar(s['http-snippet'])}\n  server-snippet: |\n${scalar(s['server-snippet'])}\n`;
}

export function renderTarget(target: Target, v: EdgeValues): string {
  if (target === 'local') return renderLocal(v);
  if (target === 'edge') return renderEdge(v);
  return ingressNginxYaml(renderIngressNginx(v));
}
