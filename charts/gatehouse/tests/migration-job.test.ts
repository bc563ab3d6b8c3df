// templates/migration-job.yaml
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULLNAME, find, ofKind, renderChart, skipWithoutTools } from './chart-harness.ts';

test('the migration Job is a pre-install/pre-upgrade hook; what it needs is hooked before it', (t) => {
  if (skipWithoutTools(t)) return;
  const docs = renderChart({ scenario: 'edge' });
  const job = find(docs, 'Job', `${FULLNAME}-migration`);
  const hook = (d: { metadata: { annotations?: Record<string, string> } }) => d.metadata.annotations ?? {};
  assert.equal(hook(job)['helm.sh/hook'], 'pre-install,pre-upgrade');
  const sa = find(docs, 'ServiceAccount', `${FULLNAME}-migration`);
  const secret = find(docs, 'Secret', `${FULLNAME}-migration`);
  assert.ok(Number(hook(sa)['helm.sh/hook-weight']) < Number(hook(secret)['helm.sh/hook-weight']));
  assert.ok(Number(hook(secret)['helm.sh/hook-weight']) < Number(hook(job)['helm.sh/hook-weight']));
  assert.deepEqual(
    Object.keys(secret.stringData),
    ['DATABASE_URL'],
    'the hook Secret holds only the database URL',
  );
  const pod = job.spec.template.spec;
  assert.equal(pod.restartPolicy, 'Never');
  assert.deepEqual(pod.containers[0].command, ['node', 'scripts/migrate.ts', 'deploy']);
  assert.equal(pod.containers[0].env[0].valueFrom.secretKeyRef.name, `${FULLNAME}-migration`);
  assert.equal(pod.containers[0].securityContext.readOnlyRootFilesystem, true);
  assert.equal(pod.securityContext.runAsNonRoot, true);
  // With an existing Secret the Job reads it directly and no hook Secret is rendered.
  const existing = renderChart({ scenario: 'existing-secrets' });
  assert.equal(
    find(existing, 'Job', `${FULLNAME}-migration`).spec.template.spec.containers[0].env[0].valueFrom
      .secretKeyRef.name,
    'gatehouse-prod-secrets',
  );
  assert.equal(ofKind(existing, 'Secret').length, 0);
  assert.equal(ofKind(renderChart({ scenario: 'edge', set: ['migration.enabled=false'] }), 'Job').length, 0);
});
