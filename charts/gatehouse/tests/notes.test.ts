// templates/NOTES.txt
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHART, HELM, run, scenarioFile, skipWithoutTools } from './chart-harness.ts';

function notes(scenario: 'edge' | 'ingress-nginx') {
  // `helm install --dry-run=client` renders NOTES.txt without a cluster.
  const r = run(HELM, [
    'install',
    'gh',
    CHART,
    '--dry-run=client',
    '-n',
    'gatehouse',
    '-f',
    scenarioFile(scenario),
  ]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.slice(r.stdout.indexOf('NOTES:'));
}

test('NOTES print the URLs and the next steps; ingress-nginx mode warns about retirement and snippets', (t) => {
  if (skipWithoutTools(t)) return;
  const edge = notes('edge');
  assert.match(edge, /Public URL: +https:\/\/media\.ci\.example\.com/);
  assert.match(edge, /Stripe webhook: +https:\/\/media\.ci\.example\.com\/billing\/webhooks\/stripe/);
  assert.match(edge, /Next steps:/);
  assert.doesNotMatch(edge, /retired/);
  const nginx = notes('ingress-nginx');
  assert.match(nginx, /retired in March 2026/);
  assert.match(nginx, /snippets/);
  assert.match(nginx, /--set-file controller\.config\.http-snippet=/);
});
