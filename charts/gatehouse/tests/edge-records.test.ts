// Edge records (issue 11): the records log in the edge nginx.conf, the shipper sidecar beside nginx,
// the analytics service the edge routes /api/v1/analytics/ to.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SECRET_PLACEHOLDER } from '../../../scripts/k8s/render-chart-nginx.ts';
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

const edgePod = (set: string[] = []) =>
  find(renderChart({ scenario: 'edge', set }), 'Deployment', `${FULLNAME}-edge`).spec.template.spec;

test('records on (default): the shipper sidecar shares the records emptyDir and nginx’s pid namespace', (t) => {
  if (skipWithoutTools(t)) return;
  assert.equal(scenarioValues('edge').edge.records.enabled, true);
  const pod = edgePod();
  assert.equal(pod.shareProcessNamespace, true);
  const [nginx, shipper] = pod.containers;
  assert.equal(nginx.name, 'nginx');
  assert.ok(
    nginx.volumeMounts.some(
      (m: { name: string; mountPath: string }) =>
        m.name === 'records' && m.mountPath === '/var/log/gatehouse',
    ),
  );
  assert.equal(shipper.name, 'records-shipper');
  assert.match(shipper.image, /^ghcr\.io\/gatehouse-dev\/gatehouse-analytics:/);
  assert.deepEqual(shipper.command, ['node', 'src/shipper.main.ts']);
  const env = Object.fromEntries(
    shipper.env.map((e: { name: string; value?: string; valueFrom?: { secretKeyRef: { key: string } } }) => [
      e.name,
      e.value ?? `secret:${e.valueFrom?.secretKeyRef.key}`,
    ]),
  );
  assert.deepEqual(env, {
    LOG_LEVEL: 'info',
    EDGE_RECORDS_LOG: '/var/log/gatehouse/edge-records.log',
    NGINX_PID_FILE: '/nginx-tmp/nginx.pid',
    EDGE_RECORDS_RETENTION_DAYS: '35',
    EDGE_RECORDS_SALT_TTL_DAYS: '2',
    EDGE_RECORDS_ROTATE_BYTES: '67108864',
    SHIPPER_METRICS_PORT: '9464',
    NATS_URL: 'secret:NATS_URL',
    REDIS_URL: 'secret:REDIS_URL',
  });
  assert.deepEqual(shipper.volumeMounts, [
    { name: 'records', mountPath: '/var/log/gatehouse' },
    { name: 'tmp', mountPath: '/nginx-tmp', readOnly: true },
  ]);
  assert.equal(shipper.securityContext.readOnlyRootFilesystem, true);
  assert.deepEqual(shipper.livenessProbe.httpGet, { path: '/healthz', port: 'shipper-metrics' });
  assert.ok(shipper.resources.requests.cpu && shipper.resources.limits.memory);
  const records = pod.volumes.find((v: { name: string }) => v.name === 'records');
  assert.deepEqual(records.emptyDir, { sizeLimit: '2Gi' });
});

test('records values reach the shipper; records off: no sidecar, no shared namespace, no records log', (t) => {
  if (skipWithoutTools(t)) return;
  const tuned = edgePod(['edge.records.retentionDays=90', 'edge.records.rotateBytes=1048576']);
  const env = tuned.containers[1].env;
  assert.equal(env.find((e: { name: string }) => e.name === 'EDGE_RECORDS_RETENTION_DAYS').value, '90');
  assert.equal(env.find((e: { name: string }) => e.name === 'EDGE_RECORDS_ROTATE_BYTES').value, '1048576');
  const docs = renderChart({ scenario: 'edge', set: ['edge.records.enabled=false'] });
  const pod = find(docs, 'Deployment', `${FULLNAME}-edge`).spec.template.spec;
  assert.equal(pod.containers.length, 1);
  assert.equal(pod.shareProcessNamespace, undefined);
  assert.equal(
    pod.volumes.find((v: { name: string }) => v.name === 'records'),
    undefined,
  );
  const text = find(docs, 'ConfigMap', `${FULLNAME}-edge`).data['nginx.conf.template'];
  assert.doesNotMatch(text, /gh_edge_records/);
  assert.throws(() => renderChart({ scenario: 'edge', set: ['edge.records.saltTtlDays=0'] }), /saltTtlDays/);
});

test('the ConfigMap text with records on equals render.sh edge with records on', (t) => {
  if (skipWithoutTools(t)) return;
  const values = scenarioValues('edge');
  const text = find(renderChart({ scenario: 'edge' }), 'ConfigMap', `${FULLNAME}-edge`).data[
    'nginx.conf.template'
  ];
  const expected = renderNginx('edge', rendererValues(values, 'edge'));
  assertSameText(
    text.replaceAll(SECRET_PLACEHOLDER, values.secrets.secureLinkSecret),
    expected,
    'records on',
  );
  assert.match(
    text,
    /access_log \/var\/log\/gatehouse\/edge-records\.log gh_edge_records buffer=64k flush=1s if=\$gh_record_kind;/,
  );
  assert.match(text, /location \^~ \/api\/v1\/analytics\/ \{\n\s+proxy_pass http:\/\/gh_analytics;/);
  assert.match(text, new RegExp(`server ${FULLNAME}-analytics:80 max_fails=0;`));
});

test('the analytics service: Deployment, Service, NetworkPolicy (from the edge only)', (t) => {
  if (skipWithoutTools(t)) return;
  const docs = renderChart({ scenario: 'edge' });
  const pod = find(docs, 'Deployment', `${FULLNAME}-analytics`).spec.template.spec;
  assert.match(pod.containers[0].image, /gatehouse-analytics:/);
  assert.equal(pod.containers[0].ports[0].containerPort, 53005);
  assert.equal(
    find(docs, 'Service', `${FULLNAME}-analytics`).spec.selector['app.kubernetes.io/component'],
    'analytics',
  );
  const np = find(docs, 'NetworkPolicy', `${FULLNAME}-analytics`);
  assert.deepEqual(
    np.spec.ingress[0].from.map(
      (p: { podSelector: { matchLabels: Record<string, string> } }) =>
        p.podSelector.matchLabels['app.kubernetes.io/component'],
    ),
    ['edge'],
  );
});

test('edge.trustedProxies: realip directives exactly as render.sh edge writes them; none by default', (t) => {
  if (skipWithoutTools(t)) return;
  const values = scenarioValues('edge');
  values.edge.trustedProxies = ['10.0.0.0/8', 'fd00::/8'];
  values.edge.realIpHeader = 'X-Real-IP';
  const set = ['edge.trustedProxies={10.0.0.0/8,fd00::/8}', 'edge.realIpHeader=X-Real-IP'];
  const text = find(renderChart({ scenario: 'edge', set }), 'ConfigMap', `${FULLNAME}-edge`).data[
    'nginx.conf.template'
  ];
  const expected = renderNginx('edge', rendererValues(values, 'edge'));
  assertSameText(
    text.replaceAll(SECRET_PLACEHOLDER, values.secrets.secureLinkSecret),
    expected,
    'trusted proxies',
  );
  assert.match(
    text,
    /set_real_ip_from 10\.0\.0\.0\/8;\n\s+set_real_ip_from fd00::\/8;\n\s+real_ip_header X-Real-IP;/,
  );
  const plain = find(renderChart({ scenario: 'edge' }), 'ConfigMap', `${FULLNAME}-edge`).data[
    'nginx.conf.template'
  ];
  assert.doesNotMatch(plain, /real_ip/);
  assert.throws(
    () => renderChart({ scenario: 'edge', set: ['edge.trustedProxies={10.0.0.0/8;evil}'] }),
    /trustedProxies/,
  );
});
