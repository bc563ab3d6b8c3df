import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { countMinioGets, readMinioAudit } from './minio-audit.ts';

// The shape MinIO's audit webhook posts (only the fields we read).
function entry(name: string, object: string, time: string, range?: string): string {
  return JSON.stringify({
    version: '1',
    time,
    requestID: `req-${object}-${time}`,
    userAgent: 'nginx',
    api: { name, bucket: 'gatehouse-media', object, statusCode: range ? 206 : 200, tx: 2 },
    requestHeader: range ? { Range: range } : {},
  });
}

describe('readMinioAudit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-audit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'audit.jsonl');
  writeFileSync(
    file,
    [
      entry('PutObject', 'a/ep1.mp3', '2026-01-01T00:00:00Z'),
      entry('GetObject', 'a/ep1.mp3', '2026-01-01T00:00:01Z'),
      entry('GetObject', 'a/ep1.mp3', '2026-01-01T00:00:02Z', 'bytes=0-1'),
      entry('GetObject', 'b/ep2.mp3', '2026-01-01T00:00:03Z'),
      '{"cut in ha', // a line being appended while we read
    ].join('\n'),
  );

  test('returns GetObject entries with their object key, oldest first', () => {
    const gets = readMinioAudit({ file });
    assert.deepEqual(
      gets.map((g) => [g.key, g.statusCode, g.range]),
      [
        ['a/ep1.mp3', 200, undefined],
        ['a/ep1.mp3', 206, 'bytes=0-1'],
        ['b/ep2.mp3', 200, undefined],
      ],
    );
  });

  test('filters by time and key, and counts per key', () => {
    assert.equal(readMinioAudit({ file, since: new Date('2026-01-01T00:00:02Z') }).length, 2);
    assert.equal(readMinioAudit({ file, key: 'b/ep2.mp3' }).length, 1);
    assert.deepEqual(
      [...countMinioGets({ file })],
      [
        ['a/ep1.mp3', 2],
        ['b/ep2.mp3', 1],
      ],
    );
  });

  test('a log that does not exist yet means no request yet', () => {
    assert.deepEqual(readMinioAudit({ file: join(dir, 'missing.jsonl') }), []);
  });
});
