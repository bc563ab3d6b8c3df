import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { stackEnv } from '../stack-env.ts';
import { type ContainerAddresses, containerStackVars, renderContainersEnv } from './containers-env.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cenv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// What `stack.sh up` writes with GATEHOUSE_EXTERNAL_PARTS set (shell_export uses printf %q).
const written = [
  '# Written by scripts/stack.sh up — addresses of the local stack (docs/DEVELOPING.md).',
  'export STACK_DIR=/r/.stack',
  'export DATABASE_URL=postgresql://gatehouse:gatehouse@127.0.0.1:55432/gatehouse',
  'export REDIS_URL=redis://127.0.0.1:56379',
  'export NATS_URL=nats://127.0.0.1:54222',
  'export NATS_MONITOR_URL=http://127.0.0.1:58222',
  'export S3_ENDPOINT=http://127.0.0.1:59000',
  'export S3_REGION=us-east-1',
  'export S3_BUCKET=gatehouse-media',
  'export S3_ACCESS_KEY_ID=gatehouse-abc',
  'export S3_SECRET_ACCESS_KEY=host-secret',
  'export S3_FORCE_PATH_STYLE=true',
  'export MINIO_AUDIT_LOG=/r/.stack/logs/minio-audit.jsonl',
  'export STRIPE_API_HOST=127.0.0.1',
  'export STRIPE_API_PORT=52111',
  'export STRIPE_API_PROTOCOL=http',
  'export STRIPE_SECRET_KEY=sk_test_123',
  'export EDGE_URL=http://127.0.0.1:58080',
  'export STATIC_URL=http://127.0.0.1:58081',
  'export SMTP_URL=smtp://127.0.0.1:52525',
  'export STACK_NGINX_DIR=/r/.stack/nginx',
  'export STACK_NGINX_CONF_DIR=/r/.stack/nginx/conf.d',
  'export STACK_NGINX_CACHE_DIR=/r/.stack/nginx/cache',
  'export STACK_WWW_DIR=/r/.stack/www',
  'export STACK_LOG_DIR=/r/.stack/logs',
  'export NGINX_BIN=/usr/sbin/nginx',
  'export MINIO_BIN=/t/minio',
  'export NATS_SERVER_BIN=/t/nats-server',
  'export STRIPE_MOCK_BIN=/t/stripe-mock',
  'export REDIS_SERVER_BIN=/usr/bin/redis-server',
  'export PG_BIN_DIR=/usr/lib/postgresql/15/bin',
  'export PG_DATA_DIR=/r/.stack/postgres/data',
  '',
].join('\n');

const addresses: ContainerAddresses = {
  postgres: { host: 'localhost', port: 32768, user: 'gatehouse', password: 'p@ss', database: 'gatehouse' },
  redis: { host: 'localhost', port: 32769 },
  nats: { host: 'localhost', port: 32770, monitorPort: 32771 },
  minio: {
    host: 'localhost',
    port: 32772,
    accessKeyId: 'gatehouse-123',
    secretAccessKey: "it's $ecret `x`",
    region: 'us-east-1',
    bucket: 'gatehouse-media',
  },
  stripeMock: { host: 'localhost', port: 32773, secretKey: 'sk_test_123' },
};

/** The variables bash sees after `source`-ing the file, as scripts/test.sh does. */
function sourced(text: string): Record<string, string> {
  const file = join(dir, 'env');
  writeFileSync(file, text);
  const result = spawnSync('bash', ['-c', 'set -a; source "$1"; env -0', 'bash', file], {
    env: {},
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return Object.fromEntries(
    result.stdout
      .split('\0')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

describe('renderContainersEnv', () => {
  test('replaces the container parts and keeps the host parts, as bash reads it', () => {
    const env = sourced(renderContainersEnv(written, containerStackVars(addresses)));
    const stack = stackEnv(env);
    assert.equal(stack.databaseUrl, 'postgresql://gatehouse:p%40ss@localhost:32768/gatehouse');
    assert.equal(stack.redisUrl, 'redis://localhost:32769');
    assert.equal(stack.natsUrl, 'nats://localhost:32770');
    assert.equal(stack.natsMonitorUrl, 'http://localhost:32771');
    assert.deepEqual(stack.s3, {
      endpoint: 'http://localhost:32772',
      region: 'us-east-1',
      bucket: 'gatehouse-media',
      accessKeyId: 'gatehouse-123',
      secretAccessKey: "it's $ecret `x`",
      forcePathStyle: true,
    });
    assert.deepEqual(stack.stripe, {
      host: 'localhost',
      port: 32773,
      protocol: 'http',
      secretKey: 'sk_test_123',
    });
    // Host parts stay as stack.sh wrote them.
    assert.equal(stack.edgeUrl, 'http://127.0.0.1:58080');
    assert.equal(stack.minioAuditLog, '/r/.stack/logs/minio-audit.jsonl');
    assert.equal(env.PG_DATA_DIR, '/r/.stack/postgres/data');
  });

  test('writes each variable once, in stack.sh order, appending any it lacked', () => {
    const base = written.replace('export NATS_MONITOR_URL=http://127.0.0.1:58222\n', '');
    const text = renderContainersEnv(base, containerStackVars(addresses));
    const names = text
      .split('\n')
      .filter((line) => line.startsWith('export '))
      .map((line) => line.slice(7, line.indexOf('=')));
    assert.equal(new Set(names).size, names.length);
    assert.equal(names.at(-1), 'NATS_MONITOR_URL');
    assert.equal(names[1], 'DATABASE_URL');
    assert.ok(text.endsWith('\n'));
    assert.match(text, /^# Container addresses written over it by scripts\/stack-containers\.ts/);
  });
});
