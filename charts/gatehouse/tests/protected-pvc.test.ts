// templates/protected-pvc.yaml and the protected directory's mounts (seeds 002/003 in a cluster):
// media writes /srv/gatehouse/protected, the edge reads it; off unless a RWX claim or class is named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SECRET_PLACEHOLDER } from '../../../scripts/k8s/render-chart-nginx.ts';
import {
  assertSameText,
  CHART,
  FULLNAME,
  find,
  HELM,
  helmTemplate,
  type Manifest,
  ofKind,
  renderChart,
  rendererValues,
  renderNginx,
  run,
  scenarioFile,
  scenarioValues,
  skipWithoutTools,
} from './chart-harness.ts';

const DIR = '/srv/gatehouse/protected';

function pods(docs: Manifest[]) {
  const spec = (name: string) => find(docs, 'Deployment', `${FULLNAME}-${name}`).spec.template.spec;
  return { media: spec('media'), edge: spec('edge') };
}
const env = (pod: Manifest['spec']) =>
  Object.fromEntries(
    pod.containers[0].env
      .filter((e: { value?: string }) => e.value !== undefined)
      .map((e: { name: string; value: string }) => [e.name, e.value]),
  );
const mount = (pod: Manifest['spec']) =>
  pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === 'protected');
const claim = (pod: Manifest['spec']) =>
  pod.volumes.find((v: { name: string }) => v.name === 'protected')?.persistentVolumeClaim;

test('off by default: no claim, no mounts, no PRIVATE_FILES_DIR (the upload route stays off)', (t) => {
  if (skipWithoutTools(t)) return;
  const docs = renderChart({ scenario: 'edge' });
  assert.equal(
    ofKind(docs, 'PersistentVolumeClaim').filter((p) => p.metadata.name === `${FULLNAME}-protected`).length,
    0,
  );
  const { media, edge } = pods(docs);
  for (const pod of [media, edge]) {
    assert.equal(mount(pod), undefined);
    assert.equal(claim(pod), undefined);
  }
  assert.equal(env(media).PRIVATE_FILES_DIR, undefined);
  assert.equal(env(media).STORAGE_DRIVER, undefined);
});

test('a RWX storage class: the chart creates the claim (kept), media mounts it read-write and serves uploads, the edge read-only', (t) => {
  if (skipWithoutTools(t)) return;
  const docs = renderChart({
    scenario: 'edge',
    set: ['protectedFiles.storageClassName=nfs-client', 'protectedFiles.size=200Gi'],
  });
  const pvc = find(docs, 'PersistentVolumeClaim', `${FULLNAME}-protected`);
  assert.deepEqual(pvc.spec.accessModes, ['ReadWriteMany']);
  assert.equal(pvc.spec.storageClassName, 'nfs-client');
  assert.equal(pvc.spec.resources.requests.storage, '200Gi');
  assert.equal(pvc.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
  const { media, edge } = pods(docs);
  assert.deepEqual(mount(media), { name: 'protected', mountPath: DIR });
  assert.deepEqual(mount(edge), { name: 'protected', mountPath: DIR, readOnly: true });
  assert.deepEqual(claim(media), { claimName: `${FULLNAME}-protected` });
  assert.deepEqual(claim(edge), { claimName: `${FULLNAME}-protected`, readOnly: true });
  // Seed 003: the upload route of private files is on; episodes stay in the bucket (s3 driver).
  assert.equal(env(media).PRIVATE_FILES_DIR, DIR);
  assert.equal(env(media).STORAGE_DRIVER, undefined);
  // The directory the edge serves /s/ and /_gh/origin/local/ from is the one mounted.
  const conf: string = find(docs, 'ConfigMap', `${FULLNAME}-edge`).data['nginx.conf.template'];
  assert.ok(conf.includes(`alias ${DIR}/;`));
  assert.ok(conf.includes(`alias ${DIR}/$gh_sl_path;`));
  // Other services never see it.
  for (const svc of ['auth', 'feeds', 'billing', 'analytics', 'web']) {
    const pod = find(docs, 'Deployment', `${FULLNAME}-${svc}`).spec.template.spec;
    assert.equal(mount(pod), undefined, svc);
  }
});

test('an existing claim: no claim created, both pods mount it by name', (t) => {
  if (skipWithoutTools(t)) return;
  const docs = renderChart({ scenario: 'edge', set: ['protectedFiles.existingClaim=shared-files'] });
  assert.equal(
    ofKind(docs, 'PersistentVolumeClaim').filter((p) => p.metadata.name === `${FULLNAME}-protected`).length,
    0,
  );
  const { media, edge } = pods(docs);
  assert.equal(claim(media).claimName, 'shared-files');
  assert.equal(claim(edge).claimName, 'shared-files');
  assert.equal(env(media).PRIVATE_FILES_DIR, DIR);
});

test('storage.driver=local (seed 002): episodes in the protected directory, uploaded through the edge (5g, streamed)', (t) => {
  if (skipWithoutTools(t)) return;
  assert.throws(
    () => helmTemplate({ scenario: 'edge', set: ['storage.driver=local'] }),
    /storage\.driver=local keeps episodes in the protected directory: name a ReadWriteMany volume/,
  );
  assert.throws(() => helmTemplate({ scenario: 'edge', set: ['storage.driver=disk'] }), /driver/);
  const set = ['storage.driver=local', 'protectedFiles.existingClaim=shared-files'];
  const docs = renderChart({ scenario: 'edge', set });
  const media = env(pods(docs).media);
  assert.equal(media.STORAGE_DRIVER, 'local');
  assert.equal(media.LOCAL_STORAGE_DIR, DIR);
  assert.equal(media.MEDIA_PUBLIC_URL, 'https://media.ci.example.com');
  // The edge config equals render.sh with the same values (uploadBodyLimit 5g for the local driver).
  const values = scenarioValues('edge');
  values.storage.driver = 'local';
  const expected = renderNginx('edge', rendererValues(values, 'edge'));
  const text: string = find(docs, 'ConfigMap', `${FULLNAME}-edge`).data['nginx.conf.template'];
  assertSameText(
    text.replaceAll(SECRET_PLACEHOLDER, values.secrets.secureLinkSecret),
    expected,
    'edge nginx.conf (local driver)',
  );
  assert.match(text, /client_max_body_size 5g;\n\s+# Streamed on as it arrives/);
  const own = find(
    renderChart({ scenario: 'edge', set: [...set, 'edge.uploadBodyLimit=20g'] }),
    'ConfigMap',
    `${FULLNAME}-edge`,
  );
  assert.match(own.data['nginx.conf.template'], /client_max_body_size 20g;/);
  assert.match(
    find(renderChart({ scenario: 'edge' }), 'ConfigMap', `${FULLNAME}-edge`).data['nginx.conf.template'],
    /client_max_body_size 10m;\n\s+# Streamed on as it arrives/,
  );
  assert.throws(
    () => helmTemplate({ scenario: 'edge', set: ['edge.uploadBodyLimit=5 g'] }),
    /uploadBodyLimit/,
  );
});

test('helm lint --strict is clean with protected files on (created claim, existing claim + local driver)', (t) => {
  if (skipWithoutTools(t)) return;
  for (const set of [
    ['protectedFiles.storageClassName=nfs-client'],
    ['protectedFiles.existingClaim=shared-files', 'storage.driver=local'],
  ]) {
    const r = run(HELM, [
      'lint',
      '--strict',
      CHART,
      '-f',
      scenarioFile('edge'),
      ...set.flatMap((s) => ['--set', s]),
    ]);
    assert.equal(r.status, 0, `${set.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stdout, /\[(WARNING|ERROR)\]/, set.join(' '));
  }
});
