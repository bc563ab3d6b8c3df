/**
 * Gatehouse installed in the one-node cluster (scripts/k8s/in-cluster.sh: the chart with
 * charts/gatehouse/ci/cluster-values.yaml, the backing parts of scripts/k8s/ci/backing.yaml),
 * tested as a black box through the in-cluster edge Service (10.97.0.2, reached from the host
 * through kube-proxy). The e2e helpers run unchanged against it: their stack environment points
 * at the cluster's pinned Service addresses (in-cluster-env.ts), and the release holds the e2e
 * harness's secrets. It runs in both edge modes: the release's own edge Deployment, then (with
 * GATEHOUSE_K8S_EDGE_MODE=ingress-nginx, in-cluster.sh ingress-nginx) the release upgraded to
 * edge.mode=ingress-nginx behind the controller stand-in on the same address.
 *   bash scripts/k8s/in-cluster.sh          (cluster up, images, install, then this file)
 *   GATEHOUSE_K8S_CLUSTER=1 npx node --test --test-force-exit scripts/k8s/test/in-cluster.test.ts
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createPrismaClient } from '@gatehouse/db';
import { issueAccessToken, parseKeyring } from '@gatehouse/tokens';
import Parser from 'rss-parser';
import {
  createSubscriber,
  createTenant,
  mediaUrl,
  openWorld,
  publishEpisode,
  type World,
} from '../../../e2e/edge/edge-fixtures.ts';
import { mediaPath } from '../../../e2e/load/load-fixture.ts';
import {
  createLoadWorld,
  createSubscriberRow,
  type LoadWorld,
  sendWebhook,
  stackStripe,
  subscriptionObject,
} from '../../../e2e/load/load-world.ts';
import {
  E2E_ACTIVE_KID,
  E2E_SECRETS,
  E2E_TOKEN_KEYS,
  E2E_WEBHOOK_SECRET,
  E2E_WEBHOOK_SECRETS,
} from '../../../e2e/support/e2e-secrets.ts';
import { kubectl, kubectlOk, ROOT, testboxPod, wgetFromPod } from './cluster-harness.ts';
import {
  CONTROLLER_NAMESPACE,
  clusterStackEnv,
  EDGE_MODE,
  EDGE_URL,
  FULLNAME,
  INGRESS_HOST,
  NAMESPACE,
  useClusterStackEnv,
} from './in-cluster-env.ts';

const enabled = process.env.GATEHOUSE_K8S_CLUSTER === '1';
const run = promisify(execFile);
useClusterStackEnv();

interface Pod {
  metadata: { name: string; labels: Record<string, string> };
  spec: { containers: { name: string; image: string; imagePullPolicy: string }[] };
  status: { phase: string; conditions?: { type: string; status: string }[] };
}

const podsOf = (namespace: string): Pod[] =>
  (JSON.parse(kubectlOk(['-n', namespace, 'get', 'pods', '-o', 'json'])).items as Pod[]).filter(
    (p) => p.status.phase !== 'Succeeded',
  );
const releasePods = () => podsOf(NAMESPACE);

/** GET through the edge address with another Host header (fetch cannot set Host). */
function getWithHost(pathname: string, host: string) {
  return new Promise<{ status: number; contentType: string; body: string }>((resolve, reject) => {
    const req = request(`${EDGE_URL}${pathname}`, { headers: { host }, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${pathname} (Host ${host}) timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** GET with a Range header; status, Content-Range and the body. */
async function ranged(url: string, range: string) {
  const response = await fetch(url, { headers: { range }, signal: AbortSignal.timeout(15_000) });
  return {
    status: response.status,
    contentRange: response.headers.get('content-range'),
    body: Buffer.from(await response.arrayBuffer()),
  };
}

/** A testbox pod no NetworkPolicy names as a peer (idempotent: the tests share it). */
function startOutsiderPod(): void {
  kubectlOk(
    ['apply', '-f', '-'],
    JSON.stringify(testboxPod(NAMESPACE, 'np-outsider', { 'app.kubernetes.io/name': 'np-outsider' })),
  );
  kubectlOk(['-n', NAMESPACE, 'wait', '--for=condition=Ready', 'pod/np-outsider', '--timeout=120s']);
}

/** The allowed peer gets through: from the edge pod (its records shipper has Node), auth answers. */
function allowedPeerReachesAuthAndFeeds(): void {
  const edgePod = kubectlOk([
    '-n',
    NAMESPACE,
    'get',
    'pods',
    '-l',
    'app.kubernetes.io/component=edge',
    '-o',
    'jsonpath={.items[0].metadata.name}',
  ]);
  for (const service of ['auth', 'feeds']) {
    const fromEdge = kubectlOk(
      [
        '-n',
        NAMESPACE,
        'exec',
        edgePod,
        '-c',
        'records-shipper',
        '--',
        'node',
        '-e',
        `fetch('http://${FULLNAME}-${service}/healthz',{signal:AbortSignal.timeout(5000)}).then(r=>console.log(r.status))`,
      ],
      undefined,
      30_000,
    );
    assert.equal(fromEdge.trim(), '200', `${service} from the edge pod`);
  }
}

describe(`Gatehouse in the cluster (edge mode: ${EDGE_MODE})`, {
  skip: enabled ? false : 'set GATEHOUSE_K8S_CLUSTER=1 (bash scripts/k8s/in-cluster.sh)',
}, () => {
  let world: World;
  before(() => {
    world = openWorld();
  });
  after(async () => {
    await world?.close();
    kubectl(['-n', NAMESPACE, 'delete', 'pod', 'np-outsider', '--ignore-not-found', '--wait=false']);
  });

  test('the release holds the e2e harness secrets its helpers sign and mint with', () => {
    const secret = JSON.parse(
      kubectlOk(['-n', NAMESPACE, 'get', 'secret', `${FULLNAME}-secrets`, '-o', 'json']),
    );
    for (const key of Object.keys(E2E_SECRETS) as (keyof typeof E2E_SECRETS)[])
      assert.equal(Buffer.from(secret.data[key], 'base64').toString(), E2E_SECRETS[key], key);
  });

  test('the migration hook succeeded and every pod of the release is Ready, on the local images', () => {
    const job = JSON.parse(kubectlOk(['-n', NAMESPACE, 'get', 'job', `${FULLNAME}-migration`, '-o', 'json']));
    assert.equal(job.status.succeeded, 1, 'the migration Job succeeded');
    const pods = releasePods();
    const count = (component: string) =>
      pods.filter((p) => p.metadata.labels['app.kubernetes.io/component'] === component).length;
    assert.equal(count('auth'), 2);
    for (const component of ['media', 'feeds', 'billing', 'analytics', 'web'])
      assert.equal(count(component), 1, component);
    // ingress-nginx mode: no edge pod of the release; the controller (stand-in) serves the edge.
    assert.equal(count('edge'), EDGE_MODE === 'edge' ? 1 : 0, 'edge');
    if (EDGE_MODE === 'ingress-nginx') {
      const controllers = podsOf(CONTROLLER_NAMESPACE);
      assert.equal(controllers.length, 1, 'the controller pod');
      pods.push(...controllers);
    }
    for (const pod of pods) {
      const ready = pod.status.conditions?.find((c) => c.type === 'Ready')?.status;
      assert.equal(ready, 'True', `${pod.metadata.name} Ready`);
      for (const container of pod.spec.containers) {
        assert.match(container.image, /^gatehouse\.local\/ci\//, `${pod.metadata.name}/${container.name}`);
        assert.equal(container.imagePullPolicy, 'Never');
      }
    }
  });

  test('a private feed through the in-cluster edge; its enclosures download with Range requests', async () => {
    // demo-seed: creator API (upload to the cluster's MinIO), billing plan on stripe-mock, a
    // Stripe-signed subscription webhook → billing → outbox → NATS (three nodes) → auth → Redis.
    const { stdout } = await run(process.execPath, [path.join(ROOT, 'scripts/demo-seed.ts'), '--fresh'], {
      encoding: 'utf8',
      timeout: 90_000,
      env: {
        ...process.env,
        ...clusterStackEnv(),
        PUBLIC_BASE_URL: EDGE_URL,
        TOKEN_KEYS: E2E_TOKEN_KEYS,
        TOKEN_ACTIVE_KID: E2E_ACTIVE_KID,
        STRIPE_WEBHOOK_SECRETS: E2E_WEBHOOK_SECRETS,
      },
    });
    const feedUrl = /^private feed:\s+(\S+)$/m.exec(stdout)?.[1] ?? '';
    assert.ok(feedUrl.startsWith(`${EDGE_URL}/f/`), stdout);
    const feed = await fetch(feedUrl);
    assert.equal(feed.status, 200);
    const etag = feed.headers.get('etag');
    assert.ok(etag);
    const parsed = await new Parser().parseString(await feed.text());
    const enclosures = parsed.items.flatMap((item) => (item.enclosure ? [item.enclosure] : []));
    assert.equal(enclosures.length, 3, 'public + two premium episodes for the active subscriber');
    assert.equal((await fetch(feedUrl, { headers: { 'if-none-match': etag } })).status, 304);
    for (const enclosure of enclosures) {
      assert.ok(enclosure.url.startsWith(`${EDGE_URL}/m/`), enclosure.url);
      const whole = await fetch(enclosure.url);
      assert.equal(whole.status, 200);
      const bytes = Buffer.from(await whole.arrayBuffer());
      assert.equal(bytes.length, Number(enclosure.length));
      const probe = await ranged(enclosure.url, 'bytes=0-1');
      assert.equal(probe.status, 206);
      assert.equal(probe.contentRange, `bytes 0-1/${enclosure.length}`);
      assert.deepEqual(probe.body, bytes.subarray(0, 2));
      const middle = Math.floor(bytes.length / 2);
      const mid = await ranged(enclosure.url, `bytes=${middle}-${middle + 99}`);
      assert.equal(mid.status, 206);
      assert.deepEqual(mid.body, bytes.subarray(middle, middle + 100));
    }
  });

  test('media Range requests through the in-cluster edge answer 206 with the right bytes', async () => {
    const tenant = await createTenant(world);
    const subscriber = await createSubscriber(world, tenant);
    // Three slices and a bit (the edge caches 1 MiB slices): ranges inside and across slices.
    const episode = await publishEpisode(world, tenant, { storage: 's3', size: 3 * 1024 * 1024 + 4321 });
    const url = mediaUrl(world, subscriber.token, episode);
    const size = episode.body.length;
    const slice = 1024 * 1024;
    for (const [from, to] of [
      [0, 1],
      [slice - 10, slice + 9],
      [2 * slice + 5, 3 * slice + 100],
      [size - 100, size - 1],
    ] as const) {
      const answer = await ranged(url, `bytes=${from}-${to}`);
      assert.equal(answer.status, 206, `bytes=${from}-${to}`);
      assert.equal(answer.contentRange, `bytes ${from}-${to}/${size}`);
      assert.ok(answer.body.equals(episode.body.subarray(from, to + 1)), `bytes=${from}-${to}: wrong bytes`);
    }
    const suffix = await ranged(url, 'bytes=-4321');
    assert.equal(suffix.status, 206);
    assert.ok(suffix.body.equals(episode.body.subarray(size - 4321)));
    // Another subscriber's token of another tenant is refused.
    const stranger = await createSubscriber(world, await createTenant(world));
    assert.ok(
      [401, 403].includes((await ranged(mediaUrl(world, stranger.token, episode), 'bytes=0-1')).status),
    );
  });

  describe('a Stripe-signed cancellation', () => {
    let load: LoadWorld;
    before(async () => {
      // A tenant, show, plan (billing on stripe-mock) and one episode through the creator API.
      load = await createLoadWorld({
        subscribers: 1,
        revoked: 0,
        otherTenant: 0,
        episodes: 1,
        episodeBytes: 256 * 1024,
        projectorWaitMs: 20_000,
      });
    });

    test('reaches auth through billing, the outbox and NATS: media is denied within a second', async () => {
      assert.equal(load.fixture.accessPath, 'billing-projector', 'records came from billing events');
      const prisma = createPrismaClient(clusterStackEnv().DATABASE_URL!);
      try {
        const { subscriberId, customer, generation } = await createSubscriberRow(prisma, load.tenantId);
        const subscriptionId = `sub_${randomBytes(10).toString('hex')}`;
        const stripe = stackStripe();
        const created = Math.floor(Date.now() / 1000) - 10;
        // Signed with the release's webhook secret, as Stripe would, to billing through the edge.
        const webhook = (type: string, status: string, at: number) =>
          sendWebhook(
            stripe,
            EDGE_URL,
            E2E_WEBHOOK_SECRET,
            type,
            subscriptionObject(subscriptionId, customer, load.priceId, subscriberId, status),
            at,
          );
        await webhook('customer.subscription.created', 'active', created);
        const keyring = parseKeyring(E2E_TOKEN_KEYS, E2E_ACTIVE_KID);
        const token = issueAccessToken(keyring, { tenantId: load.tenantId, subscriberId, generation });
        const url = `${EDGE_URL}${mediaPath(token, load.fixture.episodes[0]!)}`;
        const granted = Date.now();
        while ((await ranged(url, 'bytes=0-1')).status !== 206) {
          assert.ok(Date.now() - granted < 20_000, 'the new subscriber was never granted');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await webhook('customer.subscription.deleted', 'canceled', created + 5);
        const acknowledged = Date.now();
        let status = 206;
        while (status === 206 && Date.now() - acknowledged < 5000) {
          status = (await ranged(url, 'bytes=0-1')).status;
          if (status === 206) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const deniedAfter = Date.now() - acknowledged;
        console.log(`# cancellation webhook acknowledged → media denied: ${deniedAfter} ms`);
        assert.ok([401, 403].includes(status), `still ${status} 5 s after the cancellation`);
        assert.ok(deniedAfter <= 1000, `denied after ${deniedAfter} ms (> 1 s)`);
      } finally {
        await prisma.$disconnect();
      }
    });
  });

  test("a pod outside the NetworkPolicies' allowed set reaches the edge but not auth, feeds, media or billing", async () => {
    startOutsiderPod();
    if (EDGE_MODE === 'ingress-nginx') {
      // Its network works: the controller admits anyone, and reaches web for it (an allowed
      // peer by namespace and labels: ingressNginx.controllerNamespace, controllerPodLabels).
      assert.notEqual(
        wgetFromPod(NAMESPACE, 'np-outsider', `http://ingress-nginx-controller.${CONTROLLER_NAMESPACE}/app`),
        null,
        'the dashboard through the controller',
      );
      // Through the controller, feeds and auth answer themselves (no 502/503/504 of an
      // unreachable upstream); the other tests' feed and media requests need them too.
      for (const pathname of [
        '/f/not-a-token/feed.xml',
        '/m/not-a-token/00000000-0000-0000-0000-000000000000/a.mp3',
      ]) {
        const answer = await fetch(`${EDGE_URL}${pathname}`, { signal: AbortSignal.timeout(10_000) });
        assert.ok(answer.status >= 400 && answer.status < 500, `${pathname}: ${answer.status}`);
      }
    } else {
      // Its network works: the edge admits anyone (networkPolicy.edgeFrom is empty).
      assert.equal(wgetFromPod(NAMESPACE, 'np-outsider', `http://${FULLNAME}-edge/healthz`) !== null, true);
      allowedPeerReachesAuthAndFeeds();
    }
    for (const service of ['auth', 'feeds', 'media', 'billing'])
      assert.equal(
        wgetFromPod(NAMESPACE, 'np-outsider', `http://${FULLNAME}-${service}/healthz`),
        null,
        `${service} must refuse a pod outside the policy`,
      );
  });

  // Registered only in that mode (the edge mode has no Ingress objects; a skip would be noise).
  if (EDGE_MODE === 'ingress-nginx')
    test('ingress-nginx mode: the Ingresses route their host; other hosts and paths get the controller 404', async () => {
      // `use-regex` renders the Ingress paths as case-insensitive regex locations, which the
      // snippet's case-sensitive `^~` locations shadow; a case variant reaches only the regex,
      // so it shows the Ingress route itself: the named host sends /UI/ to web (web's own JSON
      // 404), the catch-all server (any other host) has no Ingress path and answers nginx's 404.
      const routed = await getWithHost('/UI/assets/missing.js', INGRESS_HOST);
      assert.equal(routed.status, 404);
      assert.match(
        routed.contentType,
        /application\/json/,
        `web answered through the Ingress: ${routed.body}`,
      );
      const otherHost = await getWithHost('/UI/assets/missing.js', '10.97.0.2');
      assert.equal(otherHost.status, 404);
      assert.match(otherHost.contentType, /text\/html/, 'the catch-all server has no Ingress path');
      // Paths no Ingress names fall to the default 404, on the named host too.
      for (const pathname of ['/metrics', '/internal/v1/origins', '/edge/decide/media/x'])
        assert.equal((await getWithHost(pathname, INGRESS_HOST)).status, 404, pathname);
      // The snippet's locations serve the named host as they serve the catch-all one.
      assert.equal((await getWithHost('/app', INGRESS_HOST)).status, 200);
    });

  test('a Service with no ready endpoint is refused at once from a pod, never answered from off the node', () => {
    // While auth's pods were unready (Redis gone) the edge reached the auth Service address
    // untranslated; the packet left the machine and a foreign server's 404s came back. The node
    // refuses such packets now (scripts/k8s/cluster.sh: ensure_service_route_guard).
    kubectlOk(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'no-endpoints', namespace: NAMESPACE },
        spec: { selector: { 'app.kubernetes.io/name': 'matches-no-pod' }, ports: [{ port: 80 }] },
      }),
    );
    try {
      startOutsiderPod();
      const ip = kubectlOk([
        '-n',
        NAMESPACE,
        'get',
        'service',
        'no-endpoints',
        '-o',
        'jsonpath={.spec.clusterIP}',
      ]);
      const started = Date.now();
      const r = kubectl(
        [
          '-n',
          NAMESPACE,
          'exec',
          'np-outsider',
          '--',
          'timeout',
          '8',
          'wget',
          '-q',
          '-O',
          '-',
          `http://${ip}/`,
        ],
        undefined,
        30_000,
      );
      const said = `${r.stdout}${r.stderr}`;
      assert.notEqual(r.status, 0, `the Service address answered: ${said}`);
      assert.match(said, /can't connect|No route to host|Connection refused/i, said);
      assert.doesNotMatch(said, /server returned error|HTTP\//, said);
      assert.ok(Date.now() - started < 7_000, `refused after ${Date.now() - started} ms, not at once`);
    } finally {
      kubectl(['-n', NAMESPACE, 'delete', 'service', 'no-endpoints', '--ignore-not-found', '--wait=false']);
    }
  });
});
