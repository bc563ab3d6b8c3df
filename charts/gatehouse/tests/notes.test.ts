// templates/NOTES.txt
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHART, HELM, run, scenarioFile, skipWithoutTools } from './chart-harness.ts';

function notes(scenario: 'edge' | 'ingress-nginx', set: string[] = []) {
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
    ...set.flatMap((s) => ['--set', s]),
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
  assert.match(edge, /Dashboard: +https:\/\/media\.ci\.example\.com\/app\n/);
  assert.match(edge, /Operator API: +https:\/\/media\.ci\.example\.com\/operator\/v1\/ \(the gatehouse CLI/);
  assert.doesNotMatch(edge, /Protected files:/);
  assert.match(
    notes('edge', ['protectedFiles.storageClassName=nfs']),
    /Protected files: +claim gh-gatehouse-protected at \/srv\/gatehouse\/protected \(media rw, edge ro\); storage driver s3/,
  );
  assert.doesNotMatch(edge, /retired/);
  const nginx = notes('ingress-nginx');
  assert.match(nginx, /retired in March 2026/);
  assert.match(nginx, /snippets/);
  assert.match(nginx, /--set-file controller\.config\.http-snippet=/);
});
