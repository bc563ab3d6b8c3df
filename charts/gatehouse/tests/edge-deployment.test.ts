// templates/edge-deployment.yaml
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULLNAME, find, ofKind, renderChart, skipWithoutTools } from './chart-harness.ts';

test('edge nginx: non-root official unprivileged image, read-only root, writable volumes only where nginx writes', (t) => {
  if (skipWithoutTools(t)) return;
  const docs = renderChart({ scenario: 'edge' });
  const d = find(docs, 'Deployment', `${FULLNAME}-edge`);
  const pod = d.spec.template.spec;
  const c = pod.containers[0];
  assert.match(c.image, /^docker\.io\/nginxinc\/nginx-unprivileged:/);
  assert.deepEqual(c.args, ['nginx', '-c', '/etc/nginx/rendered/nginx.conf', '-g', 'daemon off;']);
  assert.deepEqual(c.securityContext, {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  });
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 'http' });
  assert.equal(c.ports[0].containerPort, 8080);
  const mounts = Object.fromEntries(
    c.volumeMounts.map((m: { name: string; mountPath: string }) => [m.name, m.mountPath]),
  );
  assert.deepEqual(mounts, {
    template: '/etc/nginx/templates',
    rendered: '/etc/nginx/rendered',
    tmp: '/tmp',
    cache: '/var/cache/gatehouse',
    // Edge records (on by default): the log the shipper sidecar tails (edge-records.test.ts).
    records: '/var/log/gatehouse',
  });
  const secretEnv = c.env.find((e: { name: string }) => e.name === 'GATEHOUSE_SECURE_LINK_SECRET');
  assert.deepEqual(secretEnv.valueFrom.secretKeyRef, {
    name: `${FULLNAME}-secrets`,
    key: 'SECURE_LINK_SECRET',
  });
  const cache = pod.volumes.find((v: { name: string }) => v.name === 'cache');
  assert.deepEqual(cache.persistentVolumeClaim, { claimName: `${FULLNAME}-edge-cache` });
  assert.ok(d.spec.template.metadata.annotations['checksum/config']);
  // emptyDir cache by default
  const def = find(renderChart({ scenario: 'existing-secrets' }), 'Deployment', `${FULLNAME}-edge`);
  assert.deepEqual(
    def.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'cache').emptyDir,
    { sizeLimit: '25Gi' },
  );
  assert.equal(
    ofKind(renderChart({ scenario: 'ingress-nginx' }), 'Deployment').filter(
      (x) => x.metadata.name === `${FULLNAME}-edge`,
    ).length,
    0,
  );
});
