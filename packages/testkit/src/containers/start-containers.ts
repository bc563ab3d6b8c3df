import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  GenericContainer,
  Network,
  type StartedNetwork,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import type { ContainerPart, ContainerRecord } from './container-control.ts';
import type { ContainerAddresses } from './containers-env.ts';
import type { LocalImages } from './local-images.ts';

// The real parts of the local stack as containers (the testcontainers option of
// docs/local-stack.md), on the images scripts/images/build.sh built here (no registry is
// needed): Postgres and Redis from Debian, NATS with JetStream, MinIO, stripe-mock and MinIO's
// audit recorder, on one private Docker network. Each publishes its ports on host ports chosen
// free at start and kept for the container's life, so a test that stops and starts a part
// (stackControl) finds it at the same address again.

export interface StartContainersOptions {
  images: LocalImages;
  /** Host ports to publish on, per part and container port (chosen free by the caller). */
  hostPorts: Record<ContainerPart, number[]>;
  /** Host directory the audit recorder appends `minio-audit.jsonl` to. */
  auditDir: string;
  bucket: string;
  region: string;
  stripeSecretKey: string;
  /** Label put on every container and the network: leftovers of a killed run are found by it. */
  label: string;
  startupTimeoutMs?: number;
}

export interface StartedStackContainers {
  addresses: ContainerAddresses;
  records: Record<ContainerPart, ContainerRecord>;
  stop(): Promise<void>;
}

/** Container ports of each part, in the order of `hostPorts`. */
export const containerPorts: Record<ContainerPart, number[]> = {
  postgres: [5432],
  redis: [6379],
  nats: [4222, 8222],
  'minio-audit': [52600],
  minio: [9000],
  'stripe-mock': [12111],
};

/** Docker's own health check of a part: stackControl.start waits for it after a restart. */
const tcpCheck = (port: number) => `bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}'`;
const healthChecks: Record<ContainerPart, string> = {
  postgres: 'pg_isready -q -h 127.0.0.1',
  redis: 'redis-cli ping | grep -q PONG',
  nats: tcpCheck(4222),
  'minio-audit': tcpCheck(52600),
  minio: tcpCheck(9000),
  'stripe-mock': tcpCheck(12111),
};

/** Starts every container, each waiting for its health check; on any failure stops those started. */
export async function startContainers(options: StartContainersOptions): Promise<StartedStackContainers> {
  const timeout = options.startupTimeoutMs ?? 120_000;
  const minioUser = `gatehouse-${randomBytes(6).toString('hex')}`;
  const minioPassword = randomBytes(24).toString('hex');
  const labels = { 'dev.gatehouse.stack': options.label };
  const network: StartedNetwork = await new Network().start();

  const part = (name: ContainerPart, image: string) =>
    new GenericContainer(image)
      .withNetwork(network)
      .withNetworkAliases(name)
      .withLabels(labels)
      .withExposedPorts(
        ...containerPorts[name].map((container, i) => ({ container, host: options.hostPorts[name][i]! })),
      )
      .withHealthCheck({
        test: ['CMD-SHELL', healthChecks[name]],
        interval: 1000,
        timeout: 3000,
        retries: 60,
      })
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(timeout);

  const definitions: Record<ContainerPart, GenericContainer> = {
    postgres: part('postgres', options.images.postgres)
      .withEnvironment({
        POSTGRES_USER: 'gatehouse',
        POSTGRES_PASSWORD: 'gatehouse',
        POSTGRES_DB: 'gatehouse',
      })
      // The suite's data is disposable: no fsync, like the tmpfs a CI database would use.
      .withEnvironment({ POSTGRES_FSYNC: 'off' }),
    redis: part('redis', options.images.redis),
    nats: part('nats', options.images.nats).withCommand([
      'nats-server',
      '-js',
      '-sd',
      '/data/jetstream',
      '-m',
      '8222',
      '--server_name',
      'gatehouse-containers',
    ]),
    // Appends to the host's audit log through a bind mount; root in the container so it may
    // write to the host directory whatever its owner.
    'minio-audit': part('minio-audit', options.images.minioAudit)
      .withUser('0:0')
      .withBindMounts([{ source: options.auditDir, target: '/audit', mode: 'rw' }]),
    minio: part('minio', options.images.minio)
      .withEnvironment({
        MINIO_ROOT_USER: minioUser,
        MINIO_ROOT_PASSWORD: minioPassword,
        MINIO_REGION: options.region,
        MINIO_AUDIT_WEBHOOK_ENABLE_gatehouse: 'on',
        MINIO_AUDIT_WEBHOOK_ENDPOINT_gatehouse: 'http://minio-audit:52600/',
        MINIO_PROMETHEUS_AUTH_TYPE: 'public',
        MINIO_UPDATE: 'off',
      })
      .withCommand(['minio', 'server', '/data', '--address', ':9000', '--console-address', ':9001']),
    'stripe-mock': part('stripe-mock', options.images.stripeMock).withCommand([
      'stripe-mock',
      '-http-port',
      '12111',
    ]),
  };

  const started: StartedTestContainer[] = [];
  const stop = async () => {
    await Promise.allSettled(started.map((container) => container.stop({ timeout: 10_000 })));
    await network.stop().catch(() => {});
  };
  try {
    // The recorder first: MinIO posts its audit log there from its first request on.
    const records = {} as Record<ContainerPart, ContainerRecord>;
    const startPart = async (name: ContainerPart) => {
      const container = await definitions[name].start();
      started.push(container);
      records[name] = { id: container.getId(), hostPorts: options.hostPorts[name] };
    };
    await startPart('minio-audit');
    await Promise.all((['postgres', 'redis', 'nats', 'minio', 'stripe-mock'] as const).map(startPart));
    const host = '127.0.0.1';
    const addresses: ContainerAddresses = {
      postgres: {
        host,
        port: options.hostPorts.postgres[0]!,
        user: 'gatehouse',
        password: 'gatehouse',
        database: 'gatehouse',
      },
      redis: { host, port: options.hostPorts.redis[0]! },
      nats: { host, port: options.hostPorts.nats[0]!, monitorPort: options.hostPorts.nats[1]! },
      minio: {
        host,
        port: options.hostPorts.minio[0]!,
        accessKeyId: minioUser,
        secretAccessKey: minioPassword,
        region: options.region,
        bucket: options.bucket,
      },
      stripeMock: { host, port: options.hostPorts['stripe-mock'][0]!, secretKey: options.stripeSecretKey },
    };
    await ensureBucket(addresses.minio);
    return { addresses, records, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function ensureBucket(minio: ContainerAddresses['minio']): Promise<void> {
  const s3 = new S3Client({
    endpoint: `http://${minio.host}:${minio.port}`,
    region: minio.region,
    forcePathStyle: true,
    credentials: { accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey },
  });
  try {
    await s3.send(new HeadBucketCommand({ Bucket: minio.bucket })).catch(async () => {
      await s3.send(new CreateBucketCommand({ Bucket: minio.bucket }));
    });
  } finally {
    s3.destroy();
  }
}
