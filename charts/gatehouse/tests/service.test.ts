// templates/service.yaml: ClusterIP Services on port 80 → the named container port.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULLNAME, find, renderChart, skipWithoutTools } from './chart-harness.ts';

test('one ClusterIP Service per service, selecting exactly its pods', (t) => {
  if (skipWithoutTools(t)) return;
  const docs = renderChart({ scenario: 'edge' });
  for (const svc of ['auth', 'media', 'feeds', 'billing', 'analytics', 'web']) {
    const s = find(docs, 'Service', `${FULLNAME}-${svc}`);
    assert.equal(s.spec.type, 'ClusterIP');
    assert.deepEqual(s.spec.ports, [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    assert.equal(s.spec.selector['app.kubernetes.io/component'], svc);
    assert.equal(s.spec.selector['app.kubernetes.io/instance'], 'gh');
  }
});
