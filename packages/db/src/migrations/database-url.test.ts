import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DatabaseUrlError, parseDatabaseUrl, toAdapterConfig, withDatabase } from './database-url.ts';

describe('parseDatabaseUrl', () => {
  test('accepts postgresql:// and postgres:// and hides the password in display', () => {
    const t = parseDatabaseUrl('postgresql://gatehouse:s3cret@127.0.0.1:55432/gatehouse');
    assert.equal(t.database, 'gatehouse');
    assert.equal(t.display, '127.0.0.1:55432/gatehouse');
    assert.ok(!t.display.includes('s3cret'));
    assert.equal(parseDatabaseUrl('postgres://u@db.example/app').database, 'app');
  });

  test('rejects missing, malformed, wrong scheme and database-less URLs with a clear message', () => {
    const cases: [string | undefined, RegExp][] = [
      [undefined, /DATABASE_URL is not set/],
      ['   ', /DATABASE_URL is not set/],
      ['not a url', /not a valid URL/],
      ['mysql://u@h/db', /must start with postgresql:\/\//],
      ['postgresql://u@h:5432', /must name a database/],
      ['postgresql://u@h:5432/', /must name a database/],
    ];
    for (const [input, message] of cases) {
      assert.throws(
        () => parseDatabaseUrl(input),
        (err: unknown) => {
          assert.ok(err instanceof DatabaseUrlError, `${input}: ${String(err)}`);
          assert.match(err.message, message);
          return true;
        },
      );
    }
  });

  test('never echoes the password in an error', () => {
    assert.throws(
      () => parseDatabaseUrl('mysql://u:topsecret@h/db'),
      (err: Error) => !err.message.includes('topsecret'),
    );
  });
});

describe('toAdapterConfig', () => {
  test('has no connectionString, so a shadow database name is not overridden by the URL', () => {
    const t = parseDatabaseUrl('postgresql://gatehouse:pw@127.0.0.1:55432/gatehouse?application_name=x');
    const config = toAdapterConfig(t);
    assert.equal('connectionString' in config, false);
    assert.equal(config.database, 'gatehouse');
    assert.equal(config.host, '127.0.0.1');
    assert.equal(Number(config.port), 55432);
    assert.equal(config.user, 'gatehouse');
    assert.equal(config.password, 'pw');
  });
});

describe('withDatabase', () => {
  test('swaps only the database name', () => {
    assert.equal(
      withDatabase('postgresql://u:p@h:5432/main?sslmode=disable', 'other_db'),
      'postgresql://u:p@h:5432/other_db?sslmode=disable',
    );
  });
});
