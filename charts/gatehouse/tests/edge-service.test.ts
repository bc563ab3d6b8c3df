// templates/edge-service.yaml
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULLNAME, find, renderChart, skipWithoutTools } from './chart-harness.ts';

test('edge Service exposes nginx on the configured port', (t) => {
  if (skipWithoutTools(t)) return;
  const s = find(
    renderChart({ scenario: 'edge', set: ['edge.service.port=8081'] }),
    'Service',
    `${FULLNAME}-edge`,
  );
  assert.deepEqual(s.spec.ports, [{ name: 'http', port: 8081, targetPort: 'http', protocol: 'TCP' }]);
  assert.equal(s.spec.selector['app.kubernetes.io/component'], 'edge');
});
