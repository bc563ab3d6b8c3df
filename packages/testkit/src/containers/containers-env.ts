// The variables the containers provide, written over the `.stack/env` that `stack.sh up`
// wrote for the host parts (nginx, MinIO's audit recorder), so every test reads the same
// names through stackEnv() whichever way the parts were started.

export interface Address {
  host: string;
  port: number;
}

export interface ContainerAddresses {
  postgres: Address & { user: string; password: string; database: string };
  redis: Address;
  nats: Address & { monitorPort: number };
  minio: Address & { accessKeyId: string; secretAccessKey: string; region: string; bucket: string };
  stripeMock: Address & { secretKey: string };
}

/** The `.stack/env` variables of the parts the containers provide (names as in stack.sh's write_env). */
export function containerStackVars(a: ContainerAddresses): Record<string, string> {
  const pg = a.postgres;
  return {
    DATABASE_URL: `postgresql://${encodeURIComponent(pg.user)}:${encodeURIComponent(pg.password)}@${pg.host}:${pg.port}/${pg.database}`,
    REDIS_URL: `redis://${a.redis.host}:${a.redis.port}`,
    NATS_URL: `nats://${a.nats.host}:${a.nats.port}`,
    NATS_MONITOR_URL: `http://${a.nats.host}:${a.nats.monitorPort}`,
    S3_ENDPOINT: `http://${a.minio.host}:${a.minio.port}`,
    S3_REGION: a.minio.region,
    S3_BUCKET: a.minio.bucket,
    S3_ACCESS_KEY_ID: a.minio.accessKeyId,
    S3_SECRET_ACCESS_KEY: a.minio.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    STRIPE_API_HOST: a.stripeMock.host,
    STRIPE_API_PORT: String(a.stripeMock.port),
    STRIPE_API_PROTOCOL: 'http',
    STRIPE_SECRET_KEY: a.stripeMock.secretKey,
  };
}

/** Single-quoted for bash: the file is `source`d by scripts/test.sh and nginx-ingress/render.sh. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

const exportLine = /^export ([A-Za-z_][A-Za-z0-9_]*)=/;

/**
 * `base` (the env file stack.sh wrote) with each overridden variable's line replaced in place
 * and any variable it lacks appended; every other line is kept as it was.
 */
export function renderContainersEnv(base: string, overrides: Record<string, string>): string {
  const pending = new Map(Object.entries(overrides));
  const lines = base.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out = ['# Container addresses written over it by scripts/stack-containers.ts (testcontainers).'];
  for (const line of lines) {
    const name = exportLine.exec(line)?.[1];
    if (name !== undefined && pending.has(name)) {
      out.push(`export ${name}=${shellQuote(pending.get(name)!)}`);
      pending.delete(name);
    } else {
      out.push(line);
    }
  }
  for (const [name, value] of pending) out.push(`export ${name}=${shellQuote(value)}`);
  return `${out.join('\n')}\n`;
}
