import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StackEnvError, stackEnv } from './stack-env.ts';

const complete: Record<string, string> = {
  STACK_DIR: '/r/.stack',
  DATABASE_URL: 'postgresql://gatehouse:gatehouse@127.0.0.1:55432/gatehouse',
  REDIS_URL: 'redis://127.0.0.1:56379',
  NATS_URL: 'nats://127.0.0.1:54222',
  NATS_MONITOR_URL: 'http://127.0.0.1:58222',
  S3_ENDPOINT: 'http://127.0.0.1:59000',
  S3_REGION: 'us-east-1',
  S3_BUCKET: 'gatehouse-media',
  S3_ACCESS_KEY_ID: 'ak',
  S3_SECRET_ACCESS_KEY: 'sk',
  S3_FORCE_PATH_STYLE: 'true',
  MINIO_AUDIT_LOG: '/r/.stack/logs/minio-audit.jsonl',
  STRIPE_API_HOST: '127.0.0.1',
  STRIPE_API_PORT: '52111',
  STRIPE_API_PROTOCOL: 'http',
  STRIPE_SECRET_KEY: 'sk_test_123',
  EDGE_URL: 'http://127.0.0.1:58080',
  STATIC_URL: 'http://127.0.0.1:58081',
  SMTP_URL: 'smtp://127.0.0.1:52525',
  STACK_NGINX_CONF_DIR: '/r/.stack/nginx/conf.d',
  STACK_NGINX_CACHE_DIR: '/r/.stack/nginx/cache',
  STACK_WWW_DIR: '/r/.stack/www',
  STACK_LOG_DIR: '/r/.stack/logs',
  NGINX_BIN: '/usr/sbin/nginx',
  MINIO_BIN: '/t/minio',
  NATS_SERVER_BIN: '/t/nats-server',
  STRIPE_MOCK_BIN: '/t/stripe-mock',
  REDIS_SERVER_BIN: '/usr/bin/redis-server',
  PG_BIN_DIR: '/usr/lib/postgresql/15/bin',
};

describe('stackEnv', () => {
  test('reads typed addresses', () => {
    const env = stackEnv(complete);
    assert.equal(env.stripe.port, 52111);
    assert.equal(env.stripe.protocol, 'http');
    assert.equal(env.s3.forcePathStyle, true);
    assert.equal(env.bins.pgBinDir, '/usr/lib/postgresql/15/bin');
  });

  test('names the missing variable and how to get it', () => {
    const { REDIS_URL: _, ...withoutRedis } = complete;
    assert.throws(
      () => stackEnv(withoutRedis),
      (error: unknown) => {
        assert.ok(error instanceof StackEnvError);
        assert.equal(error.variable, 'REDIS_URL');
        assert.match(error.message, /REDIS_URL is not set/);
        assert.match(error.message, /npm run stack:up/);
        assert.match(error.message, /npm test/);
        return true;
      },
    );
  });

  test('treats an empty value as missing and rejects a bad port', () => {
    assert.throws(() => stackEnv({ ...complete, NATS_URL: '' }), /NATS_URL is not set/);
    assert.throws(
      () => stackEnv({ ...complete, STRIPE_API_PORT: '70000' }),
      /STRIPE_API_PORT is not a TCP port/,
    );
    assert.throws(() => stackEnv({ ...complete, STRIPE_API_PROTOCOL: 'ftp' }), /must be http or https/);
  });
});
