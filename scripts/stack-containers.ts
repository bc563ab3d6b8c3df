// The testcontainers option (docs/local-stack.md): Postgres, Redis, NATS, MinIO, stripe-mock and
// MinIO's audit recorder as containers on the images scripts/images/build.sh built here; nginx
// as the stack's host process. Nothing listens on the standard stack ports: every container
// publishes on host ports chosen free now, and nginx listens on free ports too, so this runs
// beside the standard stack of another checkout. Writes the same `.stack/env` as `stack.sh up`,
// then stays in the foreground: the containers live as long as this process (Ctrl-C or SIGTERM
// stops them). If the Docker engine stops answering it exits 3 with one line.
//
//   npm run stack:containers            (or: GATEHOUSE_STACK=containers npm test)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import {
  type ContainerPart,
  type ContainersFile,
  containersFileName,
  dockerApi,
} from '../packages/testkit/src/containers/container-control.ts';
import {
  findContainerEngine,
  noEngineMessage,
  pingEngine,
} from '../packages/testkit/src/containers/container-engine.ts';
import {
  containerStackVars,
  renderContainersEnv,
} from '../packages/testkit/src/containers/containers-env.ts';
import { localImages } from '../packages/testkit/src/containers/local-images.ts';
import { relayPort } from '../packages/testkit/src/containers/netns-relay.ts';

const root = resolve(import.meta.dirname, '..');
const stackDir = process.env.GATEHOUSE_STACK_DIR ?? resolve(root, '.stack');
const envFile = resolve(stackDir, 'env');
/** Exists while the containers run and `.stack/env` names them; scripts/test.sh waits for it. */
const readyFile = resolve(stackDir, 'containers.ready');
const hostPortsFile = resolve(stackDir, 'host-ports.env');
const edgeValuesFile = resolve(stackDir, 'edge-values.json');
const containersFile = resolve(stackDir, containersFileName);
const externalParts = 'postgres redis nats minio-audit minio stripe-mock';
/** The standard stack's ports (docs/DEVELOPING.md): never chosen here. */
const standardPorts = new Set([
  52111, 52112, 52379, 52525, 52600, 53001, 53002, 53003, 53004, 53011, 54222, 55432, 56379, 56443, 58080,
  58081, 58082, 58222, 59000, 59001,
]);

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

const engine = await findContainerEngine(process.env);
if (!engine.ok) fail(noEngineMessage(engine.tried));
const dockerHost = engine.dockerHost;
process.env.DOCKER_HOST ??= dockerHost;
// Ryuk (the reaper) is an image from a registry; this process removes its containers itself,
// and leftovers of a killed run carry the stack's label and are removed by the next run.
process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

let images: ReturnType<typeof localImages>;
try {
  images = localImages();
} catch (error) {
  fail(`stack-containers: ${(error as Error).message}`);
}

const label = stackDir;
async function removeLeftovers(): Promise<void> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`dev.gatehouse.stack=${label}`] }));
  const list = await dockerApi(dockerHost, 'GET', `/containers/json?all=1&filters=${filters}`);
  const leftovers = JSON.parse(list.body) as { Id: string }[];
  for (const { Id } of leftovers) await dockerApi(dockerHost, 'DELETE', `/containers/${Id}?force=1&v=1`);
  if (leftovers.length > 0) {
    console.log(`stack-containers: removed ${leftovers.length} container(s) left by an earlier run`);
  }
}

async function freePort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((done, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => done(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (!standardPorts.has(port) && !taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

const taken = new Set<number>();
const hostPorts = {} as Record<ContainerPart, number[]>;
const { containerPorts, startContainers } = await import(
  '../packages/testkit/src/containers/start-containers.ts'
);
for (const [part, ports] of Object.entries(containerPorts) as [ContainerPart, number[]][]) {
  hostPorts[part] = [];
  for (const _ of ports) hostPorts[part].push(await freePort(taken));
}
// In a private network namespace (scripts/containers-netns.sh) the containers' host ports live
// on the host's loopback: listen on the same ports here and relay to them.
const relaySocket = process.env.GATEHOUSE_NETNS_RELAY;
if (relaySocket) {
  for (const port of Object.values(hostPorts).flat()) await relayPort(relaySocket, port);
  console.log(`stack-containers: network namespace: container ports relayed through ${relaySocket}`);
}
const edgePort = await freePort(taken);
const staticPort = await freePort(taken);
const xaccelPort = await freePort(taken);
const smtpPort = await freePort(taken);
// The chart tests' Kubernetes API server (scripts/k8s/apiserver.sh): etcd uses its port + 1 for
// peers, so both must be free.
let etcdPort = await freePort(taken);
while (!(await portFree(etcdPort + 1)) || standardPorts.has(etcdPort + 1)) etcdPort = await freePort(taken);
taken.add(etcdPort + 1);
const k8sApiPort = await freePort(taken);

mkdirSync(resolve(stackDir, 'logs'), { recursive: true });
await removeLeftovers().catch((error: Error) => fail(`stack-containers: Docker API: ${error.message}`));
console.log(`stack-containers: starting ${externalParts} (local images, engine ${dockerHost})`);
let stack: Awaited<ReturnType<typeof startContainers>>;
try {
  stack = await startContainers({
    images,
    hostPorts,
    auditDir: resolve(stackDir, 'logs'),
    bucket: 'gatehouse-media',
    region: 'us-east-1',
    stripeSecretKey: 'sk_test_123',
    label,
  });
} catch (error) {
  await removeLeftovers().catch(() => {});
  fail(
    `stack-containers: starting containers failed: ${error instanceof Error ? error.message : String(error)}`,
  );
}
const file: ContainersFile = { dockerHost, parts: stack.records };
writeFileSync(containersFile, `${JSON.stringify(file, null, 2)}\n`);

// The host nginx: its ports, and the container MinIO as the storage origin it may fetch from.
writeFileSync(
  hostPortsFile,
  [
    '# Written by scripts/stack-containers.ts: the host ports of this containers run.',
    `GATEHOUSE_EDGE_PORT=${edgePort}`,
    `GATEHOUSE_STATIC_PORT=${staticPort}`,
    `GATEHOUSE_XACCEL_PORT=${xaccelPort}`,
    `GATEHOUSE_SMTP_PORT=${smtpPort}`,
    `GATEHOUSE_K8S_ETCD_PORT=${etcdPort}`,
    `GATEHOUSE_K8S_API_PORT=${k8sApiPort}`,
    `GATEHOUSE_K8S_DIR=${resolve(stackDir, 'k8s-containers')}`,
    '',
  ].join('\n'),
);
writeFileSync(
  edgeValuesFile,
  `${JSON.stringify({
    listen: [`127.0.0.1:${edgePort}`],
    media: { xAccelListen: [`127.0.0.1:${xaccelPort}`] },
    // Pooled as in the default stack: kept-open connections keep MinIO's audit log whole.
    origin: {
      allow: [`http://127.0.0.1:${stack.addresses.minio.port}`],
      pooled: [`http://127.0.0.1:${stack.addresses.minio.port}`],
    },
  })}\n`,
);

let stopping = false;
async function shutdown(reason: string, code: number): Promise<never> {
  if (stopping) return new Promise<never>(() => {});
  stopping = true;
  console.log(`stack-containers: ${reason}, stopping containers and the host nginx`);
  rmSync(readyFile, { force: true });
  await stack.stop().catch(() => {});
  spawnSync('bash', [resolve(root, 'scripts/stack.sh'), 'stop', 'nginx'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, GATEHOUSE_STACK: 'containers' },
  });
  // The chart tests' API server of this run, if they started one.
  spawnSync('bash', [resolve(root, 'scripts/k8s/apiserver.sh'), 'down'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, GATEHOUSE_K8S_DIR: resolve(stackDir, 'k8s-containers') },
  });
  for (const f of [containersFile, hostPortsFile, edgeValuesFile]) rmSync(f, { force: true });
  process.exit(code);
}
process.on('SIGINT', () => void shutdown('SIGINT', 0));
process.on('SIGTERM', () => void shutdown('SIGTERM', 0));

const host = spawnSync('bash', [resolve(root, 'scripts/stack.sh'), 'up'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, GATEHOUSE_STACK: 'containers', GATEHOUSE_EXTERNAL_PARTS: externalParts },
});
if (host.status !== 0) {
  console.error('stack-containers: stack.sh up (host nginx) failed (see above)');
  await shutdown('stack.sh up failed', 1);
}

const vars = containerStackVars(stack.addresses);
const tmp = `${envFile}.tmp`;
writeFileSync(tmp, renderContainersEnv(readFileSync(envFile, 'utf8'), vars));
renameSync(tmp, envFile);
writeFileSync(readyFile, `${process.pid}\n`);
for (const name of ['DATABASE_URL', 'REDIS_URL', 'NATS_URL', 'S3_ENDPOINT', 'STRIPE_API_PORT']) {
  console.log(
    `  ${name.padEnd(16)} ${name === 'DATABASE_URL' ? vars[name]!.replace(/:[^:@]*@/, ':***@') : vars[name]}`,
  );
}
console.log(`  ${'EDGE_URL'.padEnd(16)} http://127.0.0.1:${edgePort}`);
console.log(`stack-containers: ready; env: ${envFile} — Ctrl-C stops the containers`);

// The engine going away (dockerd killed) ends the run at once with one line, instead of tests
// hanging on connections to containers that no longer answer.
let misses = 0;
setInterval(async () => {
  if (stopping) return;
  misses = (await pingEngine(dockerHost, 2000)) ? 0 : misses + 1;
  if (misses >= 2) {
    stopping = true;
    rmSync(readyFile, { force: true });
    spawnSync('bash', [resolve(root, 'scripts/stack.sh'), 'stop', 'nginx'], {
      cwd: root,
      stdio: 'ignore',
      env: { ...process.env, GATEHOUSE_STACK: 'containers' },
    });
    fail(
      `stack-containers: the Docker engine at ${dockerHost} stopped answering; the containers (postgres, redis, nats, minio, stripe-mock) are gone — the run cannot continue`,
      3,
    );
  }
}, 1000);
