/**
 * Writes the chart's nginx files (charts/gatehouse/files/nginx/*.tpl) from the one edge source,
 * `nginx-ingress/render.sh`. Helm cannot run the renderer, so the renderer runs here with
 * sentinel values and the sentinels become Helm expressions — only plain substitutions of values
 * the chart exposes (service names, origin allow-list, cache size, upload body limit, resolver,
 * secure-link secret).
 * The media auth mode changes the text's shape, not a value: every file is rendered once per mode
 * (`files/nginx/<mode>/…`), and the chart picks the directory by `edge.mediaAuthMode`; the edge
 * file also exists with edge records on (`edge-records.conf.tpl`, picked by `edge.records.enabled`).
 * The chart tests render the chart and compare every result with a fresh `render.sh` run for the
 * same values, byte for byte; `--check` fails when the committed files are stale.
 *   node scripts/k8s/render-chart-nginx.ts [--check]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const OUT = path.join(ROOT, 'charts', 'gatehouse', 'files', 'nginx');
const SERVICES = ['auth', 'media', 'feeds', 'billing', 'analytics', 'web'] as const;
/** nginx-ingress `media.authMode` values = chart `edge.mediaAuthMode` values = directories under files/nginx/. */
export const MEDIA_AUTH_MODES = ['decision-cache', 'x-accel'] as const;
export type MediaAuthMode = (typeof MEDIA_AUTH_MODES)[number];
/** The edge pod's nginx image replaces this (envsubst) with the Secret's value at start. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: an envsubst placeholder, not a JS template
export const SECRET_PLACEHOLDER = '${GATEHOUSE_SECURE_LINK_SECRET}';

const SENTINEL = {
  origin: 'https://ghsentinel-origin.invalid',
  originLine: /^( *)"~\^https:\/\/ghsentinel-origin\\\.invalid\(:443\)\?\/" 1;$/gm,
  maxSize: '987654321g',
  uploadBodyLimit: '876543219k',
  resolver: 'ghsentinel-resolver.invalid',
  secret: 'ghsentinelsecurelinksecret0000',
  upstream: (svc: string) => `ghsentinel-${svc}.invalid:80`,
  trustedProxy: '192.0.2.254/32',
  realIpHeader: 'X-Ghsentinel-Client',
  realIpBlock:
    /^( *)set_real_ip_from 192\.0\.2\.254\/32;\n\1real_ip_header X-Ghsentinel-Client;\n\1real_ip_recursive on;\n/gm,
};

const sentinelValues = (target: 'edge' | 'ingress-nginx', authMode: MediaAuthMode, records = false) => ({
  media: { authMode },
  records: { enabled: records },
  // Trusted proxies (realip): edge target only, a list → a Helm range (empty: no directives).
  ...(target === 'edge' ? { realIp: { from: [SENTINEL.trustedProxy], header: SENTINEL.realIpHeader } } : {}),
  upstreams: Object.fromEntries(SERVICES.map((s) => [s, { servers: [SENTINEL.upstream(s)] }])),
  cache: { maxSize: SENTINEL.maxSize },
  uploadBodyLimit: SENTINEL.uploadBodyLimit,
  origin: { allow: [SENTINEL.origin], ...(target === 'edge' ? { resolver: SENTINEL.resolver } : {}) },
  secureLink: { secret: SENTINEL.secret },
});

export function render(target: 'edge' | 'ingress-nginx', values: unknown, part?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'gh-chart-nginx-'));
  try {
    const file = path.join(dir, 'values.json');
    writeFileSync(file, JSON.stringify(values));
    const args = [path.join(ROOT, 'nginx-ingress', 'render.sh'), target, '--values', file];
    if (part) args.push('--part', part);
    return execFileSync('bash', args, { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The upstream server name of a service: the edge pod runs in the release's namespace, so the
 * Service's own name resolves; the ingress-nginx controller runs in another namespace
 * (ingressNginx.controllerNamespace), where only `<service>.<namespace>.svc` does — nginx resolves
 * upstream names when it loads the configuration, and one that does not resolve fails the load.
 */
export const upstreamServer = (target: 'edge' | 'ingress-nginx', svc: string) =>
  target === 'edge'
    ? `{{ include "gatehouse.fullname" $ }}-${svc}:80`
    : `{{ include "gatehouse.fullname" $ }}-${svc}.{{ $.Release.Namespace }}.svc:80`;

function toTemplate(text: string, secretExpr: string, target: 'edge' | 'ingress-nginx'): string {
  if (text.includes('{{') || text.includes('}}'))
    throw new Error('rendered nginx text contains {{ or }}: cannot embed it in a Helm template');
  let out = text;
  for (const svc of SERVICES) out = out.replaceAll(SENTINEL.upstream(svc), upstreamServer(target, svc));
  out = out.replace(
    SENTINEL.originLine,
    (_line, pad: string) =>
      `{{- range $o := include "gatehouse.originAllow" $ | fromJsonArray }}\n${pad}"~{{ include "gatehouse.originPattern" $o }}" 1;{{ end }}`,
  );
  out = out.replace(
    SENTINEL.realIpBlock,
    (_block, pad: string) =>
      `{{- if $.Values.edge.trustedProxies }}\n{{- range $c := $.Values.edge.trustedProxies }}\n${pad}set_real_ip_from {{ $c }};\n{{- end }}\n${pad}real_ip_header {{ $.Values.edge.realIpHeader }};\n${pad}real_ip_recursive on;\n{{- end }}\n`,
  );
  out = out.replaceAll(`max_size=${SENTINEL.maxSize}`, 'max_size={{ $.Values.edge.cacheMaxSize }}');
  out = out.replaceAll(
    `client_max_body_size ${SENTINEL.uploadBodyLimit};`,
    'client_max_body_size {{ include "gatehouse.uploadBodyLimit" $ }};',
  );
  out = out.replaceAll(SENTINEL.resolver, '{{ $.Values.edge.resolver }}');
  out = out.replaceAll(SENTINEL.secret, secretExpr);
  if (
    out.includes('ghsentinel') ||
    out.includes('Ghsentinel') ||
    out.includes(SENTINEL.maxSize) ||
    out.includes(SENTINEL.uploadBodyLimit) ||
    out.includes(SENTINEL.trustedProxy)
  )
    throw new Error('a sentinel was left in the template: the renderer output changed shape');
  return out;
}

/** Every chart nginx file, keyed by its path under files/nginx/ (`<mode>/<file>.tpl`). */
export function chartFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const mode of MEDIA_AUTH_MODES) {
    // The edge pod's nginx image substitutes ${GATEHOUSE_*} from its env at start (envsubst),
    // so the secret stays in the Secret, not in the ConfigMap.
    files[`${mode}/edge.conf.tpl`] = toTemplate(
      render('edge', sentinelValues('edge', mode)),
      SECRET_PLACEHOLDER,
      'edge',
    );
    // Edge records on (`edge.records.enabled`): the same text plus the records log the shipper
    // sidecar tails (nginx-ingress `records`, path /var/log/gatehouse/edge-records.log).
    files[`${mode}/edge-records.conf.tpl`] = toTemplate(
      render('edge', sentinelValues('edge', mode, true)),
      SECRET_PLACEHOLDER,
      'edge',
    );
    // ingress-nginx cannot substitute: the controller's snippet must hold the secret itself.
    for (const part of ['http-snippet', 'server-snippet'] as const) {
      files[`${mode}/ingress-nginx-${part}.tpl`] = toTemplate(
        render('ingress-nginx', sentinelValues('ingress-nginx', mode), part),
        '{{ required "ingress-nginx mode embeds the secure-link secret in the controller snippet: set secrets.secureLinkSecret" $.Values.secrets.secureLinkSecret }}',
        'ingress-nginx',
      );
    }
  }
  return files;
}

if (import.meta.main) {
  const check = process.argv.includes('--check');
  const files = chartFiles();
  let stale = 0;
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(OUT, name);
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {}
    if (current === text) continue;
    if (check) {
      console.error(`stale: ${path.relative(ROOT, file)} (run node scripts/k8s/render-chart-nginx.ts)`);
      stale++;
    } else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
      console.log(`wrote ${path.relative(ROOT, file)}`);
    }
  }
  // A file the generator no longer writes (e.g. the flat layout before the per-mode directories)
  // would ship in the chart unused: remove it, or fail the check.
  for (const entry of readdirSync(OUT, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const rel = path.relative(OUT, path.join(entry.parentPath, entry.name));
    if (rel in files) continue;
    if (check) {
      console.error(
        `extra: ${path.relative(ROOT, path.join(OUT, rel))} (run node scripts/k8s/render-chart-nginx.ts)`,
      );
      stale++;
    } else {
      rmSync(path.join(OUT, rel));
      console.log(`removed ${path.relative(ROOT, path.join(OUT, rel))}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
