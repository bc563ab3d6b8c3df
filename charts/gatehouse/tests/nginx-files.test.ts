// files/nginx/*.tpl: generated from nginx-ingress/render.sh by scripts/k8s/render-chart-nginx.ts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { chartFiles, MEDIA_AUTH_MODES } from '../../../scripts/k8s/render-chart-nginx.ts';
import { assertSameText, CHART } from './chart-harness.ts';

test('the chart nginx templates are current with nginx-ingress/ (regenerate on change)', () => {
  const files = chartFiles();
  // One set per media auth mode (edge.mediaAuthMode picks the directory); the edge file also
  // with edge records on (edge.records.enabled).
  assert.deepEqual(
    Object.keys(files).sort(),
    MEDIA_AUTH_MODES.flatMap((mode) =>
      [
        'edge.conf.tpl',
        'edge-records.conf.tpl',
        'ingress-nginx-http-snippet.tpl',
        'ingress-nginx-server-snippet.tpl',
      ].map((f) => `${mode}/${f}`),
    ).sort(),
  );
  // Nothing else ships under files/nginx/ (a leftover would be dead text in the chart).
  const onDisk = readdirSync(path.join(CHART, 'files', 'nginx'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(path.join(CHART, 'files', 'nginx'), path.join(e.parentPath, e.name)))
    .sort();
  assert.deepEqual(onDisk, Object.keys(files).sort());
  // The two modes really differ: x-accel has no decision cache, decision-cache no X-Accel hop.
  assert.match(files['decision-cache/edge.conf.tpl'] as string, /auth_request \/_gh\/decide;/);
  assert.doesNotMatch(files['x-accel/edge.conf.tpl'] as string, /auth_request \/_gh\/decide;/);
  // Records on differs from off by the records log only.
  assert.doesNotMatch(files['decision-cache/edge.conf.tpl'] as string, /gh_edge_records/);
  assert.match(
    files['decision-cache/edge-records.conf.tpl'] as string,
    /log_format gh_edge_records escape=json/,
  );
  for (const [name, text] of Object.entries(files)) {
    assertSameText(
      readFileSync(path.join(CHART, 'files', 'nginx', name), 'utf8'),
      text,
      `files/nginx/${name}`,
    );
  }
});
