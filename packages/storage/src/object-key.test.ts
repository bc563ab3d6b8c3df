import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertObjectKey,
  InvalidFileNameError,
  isObjectKey,
  mediaObjectKey,
  safeFileName,
} from './object-key.ts';

const ids = {
  tenantId: '0190a1b2-0000-7000-8000-000000000001',
  episodeId: '0190a1b2-0000-7000-8000-000000000002',
  uploadId: '0190a1b2-0000-7000-8000-000000000003',
};

test('builds versioned keys from safe parts', () => {
  assert.equal(
    mediaObjectKey({ ...ids, fileName: 'Épisode 12: Ünïcode & Friends!.mp3' }),
    `t/${ids.tenantId}/e/${ids.episodeId}/${ids.uploadId}/Episode-12-Unicode-Friends.mp3`,
  );
  const other = mediaObjectKey({
    ...ids,
    uploadId: '0190a1b2-0000-7000-8000-000000000004',
    fileName: 'a.mp3',
  });
  assert.notEqual(other, mediaObjectKey({ ...ids, fileName: 'a.mp3' }), 'a new upload gets a new key');
});

test('rejects traversal, separators, control characters and invalid UTF-8', () => {
  for (const bad of [
    '../etc/passwd',
    'a/b.mp3',
    'a\\b.mp3',
    '..',
    'x..mp3',
    'a\u0000.mp3',
    'bad\uFFFD.mp3',
    'lone\uD800.mp3',
    '!!!',
  ]) {
    assert.throws(() => safeFileName(bad), InvalidFileNameError, bad);
  }
  assert.equal(safeFileName('.hidden.mp3'), 'hidden.mp3');
  assert.ok(safeFileName(`${'x'.repeat(300)}.mp3`).endsWith('.mp3'));
  assert.ok(safeFileName(`${'x'.repeat(300)}.mp3`).length <= 120);
});

test('object keys only ever contain [A-Za-z0-9/._-] and no dot segments', () => {
  assert.doesNotThrow(() => assertObjectKey('t/a/e/b/c/file.mp3'));
  for (const bad of ['', '/abs', 't//x', 't/../x', 't/./x', 't/x y', 't/%2e%2e/x', '.partial/x', 't/ä']) {
    assert.equal(isObjectKey(bad), false, bad);
  }
  assert.throws(() => mediaObjectKey({ ...ids, tenantId: '../x', fileName: 'a.mp3' }));
});
