// files/nginx/*.tpl: generated from nginx-ingress/render.sh by scripts/k8s/render-chart-nginx.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { chartFiles } from '../../../scripts/k8s/render-chart-nginx.ts';
import { assertSameText, CHART } from './chart-harness.ts';

test('the chart nginx templates are current with nginx-ingress/ (regenerate on change)', () => {
  const files = chartFiles();
  assert.deepEqual(Object.keys(files).sort(), [
    'edge.conf.tpl',
    'ingress-nginx-http-snippet.tpl',
    'ingress-nginx-server-snippet.tpl',
  ]);
  for (const [name, text] of Object.entries(files)) {
    assertSameText(
      readFileSync(path.join(CHART, 'files', 'nginx', name), 'utf8'),
      text,
      `files/nginx/${name}`,
    );
  }
});
