import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { settings } from './common-settings.ts';
import { ConfigError, describeConfig, loadConfig, Type } from './config-loader.ts';

const schema = Type.Object({
  PORT: settings.port(3000),
  REDIS_URL: settings.REDIS_URL,
  S3_FORCE_PATH_STYLE: settings.S3_FORCE_PATH_STYLE,
});

describe('loadConfig', () => {
  test('converts strings and applies defaults', () => {
    const config = loadConfig(schema, { REDIS_URL: 'redis://127.0.0.1:6379', S3_FORCE_PATH_STYLE: 'true' });
    assert.deepEqual(config, { PORT: 3000, REDIS_URL: 'redis://127.0.0.1:6379', S3_FORCE_PATH_STYLE: true });
  });

  test('names a missing variable', () => {
    assert.throws(
      () => loadConfig(schema, {}),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems, ['REDIS_URL is required but not set']);
        return true;
      },
    );
  });

  test('names a malformed variable and treats empty as unset', () => {
    assert.throws(
      () => loadConfig(schema, { REDIS_URL: 'http://nope', PORT: '' }),
      /REDIS_URL must match pattern/,
    );
    assert.throws(() => loadConfig(schema, { REDIS_URL: 'redis://x', PORT: '99999' }), /PORT must be/);
  });

  test('documents every variable', () => {
    const text = describeConfig(schema);
    assert.match(text, /PORT — optional \(default: 3000\): TCP port/);
    assert.match(text, /REDIS_URL — required: Redis connection URL/);
  });
});
