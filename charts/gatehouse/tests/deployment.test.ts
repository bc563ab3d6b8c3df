// templates/deployment.yaml: the service Deployments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULLNAME, find, renderChart, SCENARIOS, skipWithoutTools } from './chart-harness.ts';

const SERVICES = { auth: 53001, media: 53002, feeds: 53003, billing: 53004, analytics: 53005, web: 53006 };
/** The services that call or check `/internal/` (web does neither). */
const INTERNAL_CALLERS = ['auth', 'media', 'feeds', 'billing', 'analytics'];

test('each service: restricted security context, probes on /healthz and /readyz, resources', (t) => {
  if (skipWithoutTools(t)) return;
  for (const scenario of SCENARIOS) {
    const docs = renderChart({ scenario });
    for (const [svc, port] of Object.entries(SERVICES)) {
      const d = find(docs, 'Deployment', `${FULLNAME}-${svc}`);
      const pod = d.spec.template.spec;
      assert.equal(pod.securityContext.runAsNonRoot, true, `${scenario}/${svc}`);
      assert.deepEqual(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' });
      assert.equal(pod.automountServiceAccountToken, false);
      assert.equal(pod.serviceAccountName, `${FULLNAME}-${svc}`);
      assert.equal(pod.containers.length, 1);
      const c = pod.containers[0];
      assert.deepEqual(c.securityContext, {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
      assert.equal(c.ports[0].containerPort, port);
      assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 'http' });
      assert.deepEqual(c.readinessProbe.httpGet, { path: '/readyz', port: 'http' });
      assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory);
      // The only writable path is an emptyDir at /tmp.
      assert.deepEqual(c.volumeMounts, [{ name: 'tmp', mountPath: '/tmp' }]);
      assert.ok(pod.volumes[0].emptyDir);
      assert.equal(pod.topologySpreadConstraints.length, 2);
      assert.match(c.image, new RegExp(`^ghcr\\.io/gatehouse-dev/gatehouse-${svc}:`));
    }
  }
});

test('secrets reach only the services that need them, from the chart Secret or the existing one', (t) => {
  if (skipWithoutTools(t)) return;
  const secretEnv = (docs: ReturnType<typeof renderChart>, svc: string) =>
    Object.fromEntries(
      find(docs, 'Deployment', `${FULLNAME}-${svc}`)
        .spec.template.spec.containers[0].env.filter((e: { valueFrom?: unknown }) => e.valueFrom)
        .map((e: { name: string; valueFrom: { secretKeyRef: { name: string } } }) => [
          e.name,
          e.valueFrom.secretKeyRef.name,
        ]),
    );
  const own = renderChart({ scenario: 'edge' });
  assert.equal(secretEnv(own, 'auth').TOKEN_KEYS, `${FULLNAME}-secrets`);
  assert.equal(
    secretEnv(own, 'auth').S3_SECRET_ACCESS_KEY,
    undefined,
    'auth never holds storage credentials',
  );
  assert.equal(secretEnv(own, 'media').S3_SECRET_ACCESS_KEY, `${FULLNAME}-secrets`);
  assert.equal(secretEnv(own, 'billing').STRIPE_WEBHOOK_SECRETS, `${FULLNAME}-secrets`);
  assert.equal(secretEnv(own, 'feeds').STRIPE_WEBHOOK_SECRETS, undefined);
  // Callers (auth, feeds) and checkers (media, billing) of /internal/ share one credential.
  for (const svc of INTERNAL_CALLERS)
    assert.equal(secretEnv(own, svc).INTERNAL_API_TOKEN, `${FULLNAME}-secrets`, svc);
  // web: its database, its mail and the operator key; nothing of storage, Stripe, tokens or /internal/.
  assert.deepEqual(Object.keys(secretEnv(own, 'web')).sort(), [
    'DATABASE_URL',
    'OPERATOR_API_KEY',
    'SMTP_URL',
  ]);
  for (const svc of INTERNAL_CALLERS) assert.equal(secretEnv(own, svc).OPERATOR_API_KEY, undefined, svc);
  // media signs /s/ links with the Secret key the edge verifies them with (edge-deployment.test.ts).
  assert.equal(secretEnv(own, 'media').SECURE_LINK_SECRET, `${FULLNAME}-secrets`);
  const mediaEnv = find(own, 'Deployment', `${FULLNAME}-media`).spec.template.spec.containers[0].env;
  assert.equal(
    mediaEnv.find((e: { name: string }) => e.name === 'SECURE_LINK_SECRET').valueFrom.secretKeyRef.key,
    'SECURE_LINK_SECRET',
  );
  const existing = renderChart({ scenario: 'existing-secrets' });
  for (const svc of Object.keys(SERVICES)) {
    for (const name of Object.values(secretEnv(existing, svc))) assert.equal(name, 'gatehouse-prod-secrets');
  }
});

test('replicas are left to the HPA when autoscaling is on', (t) => {
  if (skipWithoutTools(t)) return;
  assert.equal(find(renderChart({ scenario: 'edge' }), 'Deployment', `${FULLNAME}-auth`).spec.replicas, 2);
  assert.equal(
    find(renderChart({ scenario: 'hpa' }), 'Deployment', `${FULLNAME}-auth`).spec.replicas,
    undefined,
  );
});

test('web: PUBLIC_BASE_URL for its links, MAIL_FROM only when set', (t) => {
  if (skipWithoutTools(t)) return;
  const env = (set: string[] = []) =>
    Object.fromEntries(
      find(renderChart({ scenario: 'edge', set }), 'Deployment', `${FULLNAME}-web`)
        .spec.template.spec.containers[0].env.filter((e: { value?: string }) => e.value !== undefined)
        .map((e: { name: string; value: string }) => [e.name, e.value]),
    );
  assert.equal(env().PUBLIC_BASE_URL, 'https://media.ci.example.com');
  assert.equal(env().PORT, '53006');
  assert.equal(env().MAIL_FROM, undefined);
  assert.equal(
    env(['web.mailFrom=Gatehouse <no-reply@example.com>']).MAIL_FROM,
    'Gatehouse <no-reply@example.com>',
  );
});
