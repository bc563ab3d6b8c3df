// templates/edge-configmap.yaml: the edge nginx.conf is exactly `nginx-ingress/render.sh edge`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MEDIA_AUTH_MODES, SECRET_PLACEHOLDER } from '../../../scripts/k8s/render-chart-nginx.ts';
import {
  assertSameText,
  FULLNAME,
  find,
  ofKind,
  renderChart,
  rendererValues,
  renderNginx,
  scenarioValues,
  skipWithoutTools,
} from './chart-harness.ts';

test('edge ConfigMap text equals render.sh edge for the same values (after the image envsubst)', (t) => {
  if (skipWithoutTools(t)) return;
  const values = scenarioValues('edge');
  const cm = find(renderChart({ scenario: 'edge' }), 'ConfigMap', `${FULLNAME}-edge`);
  const template: string = cm.data['nginx.conf.template'];
  // The secret is not in the ConfigMap: the nginx image substitutes it from the Secret at start.
  assert.ok(!template.includes(values.secrets.secureLinkSecret));
  assert.ok(template.includes(SECRET_PLACEHOLDER));
  const started = template.replaceAll(SECRET_PLACEHOLDER, values.secrets.secureLinkSecret);
  assertSameText(started, renderNginx('edge', rendererValues(values, 'edge')), 'edge nginx.conf');
});

for (const mode of MEDIA_AUTH_MODES) {
  test(`edge.mediaAuthMode=${mode}: the ConfigMap text equals render.sh edge with media.authMode ${mode}`, (t) => {
    if (skipWithoutTools(t)) return;
    const values = scenarioValues('edge');
    values.edge.mediaAuthMode = mode;
    const docs = renderChart({ scenario: 'edge', set: [`edge.mediaAuthMode=${mode}`] });
    const text = find(docs, 'ConfigMap', `${FULLNAME}-edge`).data['nginx.conf.template'];
    const expected = renderNginx('edge', { ...rendererValues(values, 'edge'), media: { authMode: mode } });
    assertSameText(
      text.replaceAll(SECRET_PLACEHOLDER, values.secrets.secureLinkSecret),
      expected,
      `edge nginx.conf (${mode})`,
    );
    // The mode is what the text does: x-accel proxies /m/ to auth's X-Accel responder, no decide hop.
    if (mode === 'x-accel') {
      assert.doesNotMatch(text, /auth_request \/_gh\/decide;/);
      assert.match(text, /proxy_pass http:\/\/gh_auth\$gh_accel_uri;/);
    } else {
      assert.match(text, /auth_request \/_gh\/decide;/);
      assert.doesNotMatch(text, /gh_accel_uri/);
    }
    // A mode change rolls the edge pods (the Deployment's config checksum covers the ConfigMap).
    const checksum = find(docs, 'Deployment', `${FULLNAME}-edge`).spec.template.metadata.annotations[
      'checksum/config'
    ];
    const other = MEDIA_AUTH_MODES.find((m) => m !== mode);
    const otherDocs = renderChart({ scenario: 'edge', set: [`edge.mediaAuthMode=${other}`] });
    assert.notEqual(
      find(otherDocs, 'Deployment', `${FULLNAME}-edge`).spec.template.metadata.annotations['checksum/config'],
      checksum,
    );
  });
}

test('edge.mediaAuthMode: the default is decision-cache; anything else is refused by the schema', (t) => {
  if (skipWithoutTools(t)) return;
  assert.equal(scenarioValues('edge').edge.mediaAuthMode, 'decision-cache');
  assert.throws(
    () => renderChart({ scenario: 'edge', set: ['edge.mediaAuthMode=x-accel-redirect'] }),
    /mediaAuthMode/,
  );
});

test('other values change the text the same way the renderer does', (t) => {
  if (skipWithoutTools(t)) return;
  const set = [
    'edge.cacheMaxSize=300g',
    'edge.originAllow={https://a.example.com:8443,http://[fd00::1]:9000}',
  ];
  const values = scenarioValues('edge');
  values.edge.cacheMaxSize = '300g';
  values.edge.originAllow = ['https://a.example.com:8443', 'http://[fd00::1]:9000'];
  const cm = find(renderChart({ scenario: 'edge', set }), 'ConfigMap', `${FULLNAME}-edge`);
  const text = cm.data['nginx.conf.template'].replaceAll(SECRET_PLACEHOLDER, values.secrets.secureLinkSecret);
  assertSameText(text, renderNginx('edge', rendererValues(values, 'edge')), 'edge nginx.conf (overrides)');
  assert.ok(text.includes('max_size=300g'));
});

test('no edge ConfigMap in ingress-nginx mode', (t) => {
  if (skipWithoutTools(t)) return;
  assert.equal(
    ofKind(renderChart({ scenario: 'ingress-nginx' }), 'ConfigMap').filter(
      (c) => c.metadata.name === `${FULLNAME}-edge`,
    ).length,
    0,
  );
});
