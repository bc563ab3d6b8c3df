/**
 * Shared helpers of the chart tests (charts/gatehouse/tests/*.test.ts): the real helm/kubectl
 * binaries from scripts/k8s/install-tools.sh, the CI scenario values, and the real API server
 * from scripts/k8s/apiserver.sh. Tests skip (t.skip) only when a binary is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { render } from '../../../scripts/k8s/render-chart-nginx.ts';

export const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
export const CHART = path.join(ROOT, 'charts', 'gatehouse');
export const TOOLS_DIR =
  process.env.GATEHOUSE_TOOLS_DIR || path.join(homedir(), '.cache', 'gatehouse', 'bin');
export const HELM = path.join(TOOLS_DIR, 'helm');
export const KUBECTL = path.join(TOOLS_DIR, 'kubectl');
export const KUBECONFIG = path.join(
  process.env.GATEHOUSE_K8S_DIR || path.join(ROOT, '.stack', 'k8s'),
  'kubeconfig',
);
export const RELEASE = 'gh';
export const FULLNAME = 'gh-gatehouse';

export const SCENARIOS = ['edge', 'ingress-nginx', 'existing-secrets', 'hpa'] as const;
export type Scenario = (typeof SCENARIOS)[number];
export const scenarioFile = (s: Scenario) => path.join(CHART, 'ci', `${s}-values.yaml`);

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are free-form; tests assert on shape
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  data?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  [key: string]: any;
}

/** Skips the test (reported as skipped) when a tool binary is missing; returns true if it did. */
export function skipWithoutTools(t: TestContext, tools: string[] = ['helm']): boolean {
  const missing = tools.filter((tool) => !existsSync(path.join(TOOLS_DIR, tool)));
  if (missing.length === 0) return false;
  t.skip(`${missing.join(', ')} not installed in ${TOOLS_DIR} (run scripts/k8s/install-tools.sh)`);
  return true;
}

export function run(bin: string, args: string[], input?: string) {
  const r = spawnSync(bin, args, { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024, timeout: 180_000 });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `helm template` of the chart; throws with helm's message on failure. */
export function helmTemplate(
  opts: { scenario?: Scenario; values?: string[]; set?: string[]; showOnly?: string } = {},
) {
  const args = ['template', RELEASE, CHART, '--namespace', 'gatehouse'];
  if (opts.scenario) args.push('-f', scenarioFile(opts.scenario));
  for (const v of opts.values ?? []) args.push('-f', v);
  for (const s of opts.set ?? []) args.push('--set', s);
  if (opts.showOnly) args.push('--show-only', opts.showOnly);
  const r = run(HELM, args);
  if (r.status !== 0) throw new Error(`helm template failed: ${r.stderr.trim()}`);
  return r.stdout;
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`invalid YAML from helm: ${d.errors[0]?.message}`);
      return d.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null && typeof m === 'object');
}

export function renderChart(opts: Parameters<typeof helmTemplate>[0] = {}): Manifest[] {
  return parseManifests(helmTemplate(opts));
}

export function find(docs: Manifest[], kind: string, name: string): Manifest {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!doc)
    throw new Error(`no ${kind} ${name} in: ${docs.map((d) => `${d.kind}/${d.metadata.name}`).join(', ')}`);
  return doc;
}

export const ofKind = (docs: Manifest[], kind: string) => docs.filter((d) => d.kind === kind);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(over))
    out[k] = isObject(v) && isObject(out[k]) ? merge(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/** The chart's values.yaml merged with a scenario, as Helm merges them. */
// biome-ignore lint/suspicious/noExplicitAny: values are free-form
export function scenarioValues(s: Scenario): any {
  const defaults = parse(readFileSync(path.join(CHART, 'values.yaml'), 'utf8'));
  return merge(defaults, parse(readFileSync(scenarioFile(s), 'utf8')) ?? {});
}

/**
 * The renderer values (nginx-ingress/src/edge-values.ts shape) that correspond to chart values:
 * derived here independently of the chart templates, so the comparison tests both.
 */
// biome-ignore lint/suspicious/noExplicitAny: values are free-form
export function rendererValues(values: any, target: 'edge' | 'ingress-nginx') {
  let allow: string[] = values.edge.originAllow;
  if (allow.length === 0) {
    const u = new URL(values.storage.endpoint);
    allow = [`${u.protocol}//${u.host}`];
    if (!values.storage.forcePathStyle) allow.push(`${u.protocol}//${values.storage.bucket}.${u.host}`);
  }
  return {
    upstreams: Object.fromEntries(
      ['auth', 'media', 'feeds', 'billing', 'analytics', 'web'].map((s) => [
        s,
        // The controller runs in its own namespace: the snippet names Services with theirs.
        { servers: [target === 'edge' ? `${FULLNAME}-${s}:80` : `${FULLNAME}-${s}.gatehouse.svc:80`] },
      ]),
    ),
    // Edge records exist in the edge mode only (the chart has no sidecar in the controller).
    records: { enabled: target === 'edge' && values.edge.records.enabled },
    realIp: { from: values.edge.trustedProxies, header: values.edge.realIpHeader },
    cache: { maxSize: values.edge.cacheMaxSize },
    // Episodes come through the edge with the local driver (templates/_helpers.tpl, uploadBodyLimit).
    uploadBodyLimit: values.edge.uploadBodyLimit || (values.storage.driver === 'local' ? '5g' : '10m'),
    // edge.mediaAuthMode is nginx-ingress's media.authMode under the chart's name.
    media: { authMode: values.edge.mediaAuthMode },
    origin: { allow, ...(target === 'edge' ? { resolver: values.edge.resolver } : {}) },
    secureLink: { secret: values.secrets.secureLinkSecret },
  };
}

export { render as renderNginx };

/** Starts (or reuses) the real API server; returns the kubeconfig path. */
export function ensureApiServer(): string {
  execFileSync('bash', [path.join(ROOT, 'scripts', 'k8s', 'apiserver.sh'), 'up'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return KUBECONFIG;
}

export function kubectl(args: string[], input?: string) {
  return run(KUBECTL, ['--kubeconfig', KUBECONFIG, ...args], input);
}

/** Installs the Gateway API CRDs (HTTPRoute) into the test API server once. */
export function ensureGatewayCrds(): void {
  const dir = path.join(TOOLS_DIR, 'gateway-api-crds');
  const r = kubectl(['apply', '--server-side', '-f', dir]);
  if (r.status !== 0) throw new Error(`cannot install Gateway API CRDs: ${r.stderr}`);
  const w = kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/httproutes.gateway.networking.k8s.io',
  ]);
  if (w.status !== 0) throw new Error(`HTTPRoute CRD not established: ${w.stderr}`);
}

export function uniqueNamespace(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Byte equality with a readable message: the first differing line, not two 20 kB strings. */
export function assertSameText(actual: string, expected: string, what: string): void {
  if (actual === expected) return;
  const a = actual.split('\n');
  const e = expected.split('\n');
  let i = 0;
  while (i < Math.max(a.length, e.length) && a[i] === e[i]) i++;
  throw new Error(
    `${what}: differs at line ${i + 1}\n  chart:    ${JSON.stringify(a[i])}\n  render.sh: ${JSON.stringify(e[i])}\n` +
      'If nginx-ingress/ changed, regenerate the chart files: node scripts/k8s/render-chart-nginx.ts',
  );
}
