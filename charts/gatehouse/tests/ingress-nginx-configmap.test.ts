// templates/ingress-nginx-configmap.yaml: the controller snippets are exactly render.sh ingress-nginx.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MEDIA_AUTH_MODES } from '../../../scripts/k8s/render-chart-nginx.ts';
import {
  assertSameText,
  FULLNAME,
  find,
  renderChart,
  rendererValues,
  renderNginx,
  scenarioValues,
  skipWithoutTools,
} from './chart-harness.ts';

test('http-snippet and server-snippet equal render.sh ingress-nginx --part … for the same values', (t) => {
  if (skipWithoutTools(t)) return;
  const values = scenarioValues('ingress-nginx');
  const cm = find(
    renderChart({ scenario: 'ingress-nginx' }),
    'ConfigMap',
    `${FULLNAME}-ingress-nginx-snippets`,
  );
  const expected = rendererValues(values, 'ingress-nginx');
  assertSameText(
    cm.data['http-snippet'],
    renderNginx('ingress-nginx', expected, 'http-snippet'),
    'http-snippet',
  );
  assertSameText(
    cm.data['server-snippet'],
    renderNginx('ingress-nginx', expected, 'server-snippet'),
    'server-snippet',
  );
  // ingress-nginx has no slice module and brings its own resolver.
  assert.doesNotMatch(cm.data['server-snippet'], /^\s*slice \d/m);
  assert.ok(
    cm.data['http-snippet'].includes('"~^https://ci-account\\.r2\\.cloudflarestorage\\.com(:443)?/" 1;'),
  );
  assert.ok(cm.data['http-snippet'].includes('"~^http://minio\\.storage\\.svc:9000/" 1;'));
});

for (const mode of MEDIA_AUTH_MODES) {
  test(`edge.mediaAuthMode=${mode}: both snippets equal render.sh ingress-nginx with media.authMode ${mode}`, (t) => {
    if (skipWithoutTools(t)) return;
    const values = scenarioValues('ingress-nginx');
    values.edge.mediaAuthMode = mode;
    const cm = find(
      renderChart({ scenario: 'ingress-nginx', set: [`edge.mediaAuthMode=${mode}`] }),
      'ConfigMap',
      `${FULLNAME}-ingress-nginx-snippets`,
    );
    assert.equal(cm.metadata.annotations?.['gatehouse.dev/media-auth-mode'], mode);
    const expected = { ...rendererValues(values, 'ingress-nginx'), media: { authMode: mode } };
    for (const part of ['http-snippet', 'server-snippet'] as const)
      assertSameText(cm.data[part], renderNginx('ingress-nginx', expected, part), `${part} (${mode})`);
    assert.equal(/auth_request \/_gh\/decide;/.test(cm.data['server-snippet']), mode === 'decision-cache');
  });
}

test('ingress-nginx mode needs the secure-link secret inline and says so', (t) => {
  if (skipWithoutTools(t)) return;
  assert.throws(
    () =>
      renderChart({
        scenario: 'ingress-nginx',
        set: ['secrets.existingSecret=prod', 'secrets.secureLinkSecret='],
      }),
    /set secrets\.secureLinkSecret/,
  );
});
