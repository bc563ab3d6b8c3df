// Typed addresses of the local stack, read from the environment that `scripts/test.sh`
// exports from `.stack/env`. Tests never hard-code ports: they call stackEnv().

export type StackPart = 'postgres' | 'redis' | 'nats' | 'minio' | 'stripe-mock' | 'nginx';

export interface StackEnv {
  stackDir: string;
  databaseUrl: string;
  redisUrl: string;
  natsUrl: string;
  natsMonitorUrl: string;
  s3: {
    endpoint: string;
    region: string;
    bucket: string;
    accessKeyId: string;
    secretAccessKey: string;
    forcePathStyle: boolean;
  };
  /** JSON lines of MinIO's audit webhook: one per S3 request MinIO served. */
  minioAuditLog: string;
  stripe: { host: string; port: number; protocol: 'http' | 'https'; secretKey: string };
  /** The stack's nginx edge (nginx-ingress rendered for `local`). */
  edgeUrl: string;
  /** Plain nginx serving `wwwDir` as static files: the benchmark baseline. */
  staticUrl: string;
  smtpUrl: string;
  nginxConfDir: string;
  nginxCacheDir: string;
  wwwDir: string;
  logDir: string;
  bins: {
    nginx: string;
    minio: string;
    natsServer: string;
    stripeMock: string;
    redisServer: string;
    pgBinDir: string;
  };
}

export class StackEnvError extends Error {
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(
      `@gatehouse/testkit: ${variable} ${problem}. Start the local stack with \`npm run stack:up\` and ` +
        '`source .stack/env`, or run the tests through `npm test` (it does both).',
    );
    this.name = 'StackEnvError';
    this.variable = variable;
  }
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new StackEnvError(name, 'is not set');
  return value;
}

function port(env: Env, name: string): number {
  const raw = required(env, name);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new StackEnvError(name, `is not a TCP port (got ${JSON.stringify(raw)})`);
  }
  return value;
}

function protocol(env: Env, name: string): 'http' | 'https' {
  const raw = required(env, name);
  if (raw !== 'http' && raw !== 'https') {
    throw new StackEnvError(name, `must be http or https (got ${JSON.stringify(raw)})`);
  }
  return raw;
}

/** Reads the stack's addresses; throws a StackEnvError naming the first missing variable. */
export function stackEnv(env: Env = process.env): StackEnv {
  return {
    stackDir: required(env, 'STACK_DIR'),
    databaseUrl: required(env, 'DATABASE_URL'),
    redisUrl: required(env, 'REDIS_URL'),
    natsUrl: required(env, 'NATS_URL'),
    natsMonitorUrl: required(env, 'NATS_MONITOR_URL'),
    s3: {
      endpoint: required(env, 'S3_ENDPOINT'),
      region: required(env, 'S3_REGION'),
      bucket: required(env, 'S3_BUCKET'),
      accessKeyId: required(env, 'S3_ACCESS_KEY_ID'),
      secretAccessKey: required(env, 'S3_SECRET_ACCESS_KEY'),
      forcePathStyle: required(env, 'S3_FORCE_PATH_STYLE') === 'true',
    },
    minioAuditLog: required(env, 'MINIO_AUDIT_LOG'),
    stripe: {
      host: required(env, 'STRIPE_API_HOST'),
      port: port(env, 'STRIPE_API_PORT'),
      protocol: protocol(env, 'STRIPE_API_PROTOCOL'),
      secretKey: required(env, 'STRIPE_SECRET_KEY'),
    },
    edgeUrl: required(env, 'EDGE_URL'),
    staticUrl: required(env, 'STATIC_URL'),
    smtpUrl: required(env, 'SMTP_URL'),
    nginxConfDir: required(env, 'STACK_NGINX_CONF_DIR'),
    nginxCacheDir: required(env, 'STACK_NGINX_CACHE_DIR'),
    wwwDir: required(env, 'STACK_WWW_DIR'),
    logDir: required(env, 'STACK_LOG_DIR'),
    bins: {
      nginx: required(env, 'NGINX_BIN'),
      minio: required(env, 'MINIO_BIN'),
      natsServer: required(env, 'NATS_SERVER_BIN'),
      stripeMock: required(env, 'STRIPE_MOCK_BIN'),
      redisServer: required(env, 'REDIS_SERVER_BIN'),
      pgBinDir: required(env, 'PG_BIN_DIR'),
    },
  };
}
