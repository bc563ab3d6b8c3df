// templates/networkpolicy.yaml
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULLNAME, find, type Manifest, ofKind, renderChart, skipWithoutTools } from './chart-harness.ts';

const components = (np: Manifest) =>
  np.spec.ingress.flatMap(
    (rule: {
      from?: Array<{ podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: unknown }>;
    }) =>
      (rule.from ?? []).map((peer) =>
        peer.namespaceSelector
          ? 'ingress-nginx-controller'
          : peer.podSelector?.matchLabels?.['app.kubernetes.io/component'],
      ),
  );

test('edge mode: auth and feeds only from the edge, media from edge + auth, billing from edge + feeds', (t) => {
  if (skipWithoutTools(t)) return;
  const docs = renderChart({ scenario: 'edge' });
  assert.deepEqual(components(find(docs, 'NetworkPolicy', `${FULLNAME}-auth`)), ['edge']);
  assert.deepEqual(components(find(docs, 'NetworkPolicy', `${FULLNAME}-feeds`)), ['edge']);
  assert.deepEqual(components(find(docs, 'NetworkPolicy', `${FULLNAME}-media`)), ['edge', 'auth']);
  // Billing's public webhook path reaches it only through the edge (POST /billing/webhooks/stripe).
  assert.deepEqual(components(find(docs, 'NetworkPolicy', `${FULLNAME}-billing`)), ['edge', 'feeds']);
  // The creators' analytics API reaches analytics through the edge only.
  assert.deepEqual(components(find(docs, 'NetworkPolicy', `${FULLNAME}-analytics`)), ['edge']);
  // The pages, their JSON API and the operator API: through the edge only.
  assert.deepEqual(components(find(docs, 'NetworkPolicy', `${FULLNAME}-web`)), ['edge']);
  for (const svc of ['auth', 'media', 'feeds', 'billing', 'analytics', 'web']) {
    const np = find(docs, 'NetworkPolicy', `${FULLNAME}-${svc}`);
    assert.deepEqual(np.spec.policyTypes, ['Ingress']);
    assert.equal(np.spec.podSelector.matchLabels['app.kubernetes.io/component'], svc);
    assert.deepEqual(np.spec.ingress[0].ports, [{ port: 'http', protocol: 'TCP' }]);
    // Peers are pods of this release only.
    for (const peer of np.spec.ingress[0].from) {
      if (peer.podSelector) assert.equal(peer.podSelector.matchLabels['app.kubernetes.io/instance'], 'gh');
    }
  }
  // The edge itself is public (any peer) on its http port; unserved pods take no traffic.
  const edge = find(docs, 'NetworkPolicy', `${FULLNAME}-edge`);
  assert.equal(edge.spec.ingress[0].from, undefined);
  const deny = find(docs, 'NetworkPolicy', `${FULLNAME}-deny-unserved`);
  assert.equal(deny.spec.ingress, undefined);
  assert.deepEqual(deny.spec.policyTypes, ['Ingress']);
});

test('ingress-nginx mode: the controller namespace/pods are the entry peer', (t) => {
  if (skipWithoutTools(t)) return;
  const docs = renderChart({ scenario: 'ingress-nginx' });
  const auth = find(docs, 'NetworkPolicy', `${FULLNAME}-auth`);
  assert.deepEqual(components(auth), ['ingress-nginx-controller']);
  assert.deepEqual(components(find(docs, 'NetworkPolicy', `${FULLNAME}-web`)), ['ingress-nginx-controller']);
  assert.deepEqual(auth.spec.ingress[0].from[0], {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
  });
  assert.equal(
    docs.some((d) => d.kind === 'NetworkPolicy' && d.metadata.name === `${FULLNAME}-edge`),
    false,
  );
});

test('networkPolicy.enabled=false renders none', (t) => {
  if (skipWithoutTools(t)) return;
  assert.equal(ofKind(renderChart({ scenario: 'hpa' }), 'NetworkPolicy').length, 0);
});
