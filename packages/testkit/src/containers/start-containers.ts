import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GenericContainer, type StartedTestContainer, TestContainers, Wait } from 'testcontainers';
import type { ContainerAddresses } from './containers-env.ts';

// The real parts of the local stack as containers (the testcontainers option of
// docs/local-stack.md). Versions follow scripts/lib/install.sh and the Debian packages the
// project-started stack uses. Only runs where a Docker-API engine is reachable.

export const containerImages = {
  postgres: 'postgres:15',
  redis: 'redis:7',
  nats: 'nats:2.11', // JetStream API level @nats-io/jetstream v3 needs (>= 2.11)
  minio: 'minio/minio:RELEASE.2025-04-22T22-12-26Z',
  stripeMock: 'stripe/stripe-mock:v0.203.0',
} as const;

export interface StartContainersOptions {
  /** Host port of MinIO's audit recorder (started on the host by stack.sh); the webhook posts there. */
  auditRecorderPort: number;
  bucket: string;
  region: string;
  stripeSecretKey: string;
  startupTimeoutMs?: number;
}

export interface StartedStackContainers {
  addresses: ContainerAddresses;
  stop(): Promise<void>;
}

/** Starts every container, each waiting for its health check; on any failure stops those started. */
export async function startContainers(options: StartContainersOptions): Promise<StartedStackContainers> {
  const timeout = options.startupTimeoutMs ?? 120_000;
  const minioUser = `gatehouse-${randomBytes(6).toString('hex')}`;
  const minioPassword = randomBytes(24).toString('hex');
  // Containers reach the host's recorder as host.testcontainers.internal:<port>.
  await TestContainers.exposeHostPorts(options.auditRecorderPort);

  const definitions = {
    postgres: new GenericContainer(containerImages.postgres)
      .withEnvironment({
        POSTGRES_USER: 'gatehouse',
        POSTGRES_PASSWORD: 'gatehouse',
        POSTGRES_DB: 'gatehouse',
      })
      .withExposedPorts(5432)
      // The image's init runs a temporary server first; the second "ready" line is the real one.
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2)),
    redis: new GenericContainer(containerImages.redis)
      .withCommand(['redis-server', '--save', '', '--appendonly', 'no'])
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/)),
    nats: new GenericContainer(containerImages.nats)
      .withCommand(['-js', '-m', '8222', '--server_name', 'gatehouse-containers'])
      .withExposedPorts(4222, 8222)
      .withWaitStrategy(Wait.forHttp('/healthz?js-enabled-only=true', 8222)),
    minio: new GenericContainer(containerImages.minio)
      .withEnvironment({
        MINIO_ROOT_USER: minioUser,
        MINIO_ROOT_PASSWORD: minioPassword,
        MINIO_REGION: options.region,
        MINIO_AUDIT_WEBHOOK_ENABLE_gatehouse: 'on',
        MINIO_AUDIT_WEBHOOK_ENDPOINT_gatehouse: `http://host.testcontainers.internal:${options.auditRecorderPort}/`,
        MINIO_PROMETHEUS_AUTH_TYPE: 'public',
        MINIO_UPDATE: 'off',
      })
      .withCommand(['server', '/data', '--address', ':9000', '--console-address', ':9001'])
      .withExposedPorts(9000)
      .withWaitStrategy(Wait.forHttp('/minio/health/live', 9000)),
    stripeMock: new GenericContainer(containerImages.stripeMock).withExposedPorts(12111).withWaitStrategy(
      Wait.forHttp('/v1/customers', 12111).withHeaders({
        Authorization: `Bearer ${options.stripeSecretKey}`,
      }),
    ),
  };

  const started: StartedTestContainer[] = [];
  const stop = async () => {
    await Promise.allSettled(started.map((container) => container.stop()));
  };
  try {
    const [postgres, redis, nats, minio, stripeMock] = await Promise.all(
      Object.values(definitions).map(async (definition) => {
        const container = await definition.withStartupTimeout(timeout).start();
        started.push(container);
        return container;
      }),
    );
    const addresses: ContainerAddresses = {
      postgres: {
        host: postgres!.getHost(),
        port: postgres!.getMappedPort(5432),
        user: 'gatehouse',
        password: 'gatehouse',
        database: 'gatehouse',
      },
      redis: { host: redis!.getHost(), port: redis!.getMappedPort(6379) },
      nats: {
        host: nats!.getHost(),
        port: nats!.getMappedPort(4222),
        monitorPort: nats!.getMappedPort(8222),
      },
      minio: {
        host: minio!.getHost(),
        port: minio!.getMappedPort(9000),
        accessKeyId: minioUser,
        secretAccessKey: minioPassword,
        region: options.region,
        bucket: options.bucket,
      },
      stripeMock: {
        host: stripeMock!.getHost(),
        port: stripeMock!.getMappedPort(12111),
        secretKey: options.stripeSecretKey,
      },
    };
    await ensureBucket(addresses.minio);
    return { addresses, stop };
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
