// templates/serviceaccount.yaml
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULLNAME, ofKind, renderChart, skipWithoutTools } from './chart-harness.ts';

test('one ServiceAccount per workload; only the domain reconciler mounts a token', (t) => {
  if (skipWithoutTools(t)) return;
  const sas = ofKind(renderChart({ scenario: 'edge' }), 'ServiceAccount');
  const byName = Object.fromEntries(sas.map((s) => [s.metadata.name, s.automountServiceAccountToken]));
  assert.deepEqual(byName, {
    [`${FULLNAME}-auth`]: false,
    [`${FULLNAME}-media`]: false,
    [`${FULLNAME}-feeds`]: false,
    [`${FULLNAME}-billing`]: false,
    [`${FULLNAME}-analytics`]: false,
    [`${FULLNAME}-web`]: false,
    [`${FULLNAME}-edge`]: false,
    [`${FULLNAME}-domain-reconciler`]: true,
    [`${FULLNAME}-migration`]: false,
  });
  // Every Deployment runs as a ServiceAccount the chart creates (analytics had none before web was added).
  const docs = renderChart({ scenario: 'edge' });
  for (const d of docs.filter((m) => m.kind === 'Deployment'))
    assert.ok(d.spec.template.spec.serviceAccountName in byName, d.metadata.name);
});
