import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PARTS, planUpload } from './upload-plan.ts';

const MiB = 1024 * 1024;
const limits = {
  maxUploadBytes: 50 * 1024 * MiB,
  multipartThresholdBytes: 64 * MiB,
  partSizeBytes: 16 * MiB,
};

test('small files are one PUT, large ones multipart, too large refused', () => {
  assert.deepEqual(planUpload(10 * MiB, limits, true), { kind: 'single' });
  assert.deepEqual(planUpload(100 * MiB, limits, true), {
    kind: 'multipart',
    partSize: 16 * MiB,
    partCount: 7,
  });
  assert.deepEqual(
    planUpload(100 * MiB, limits, false),
    { kind: 'single' },
    'local storage has no multipart',
  );
  assert.equal(planUpload(51 * 1024 * MiB, limits, true), 'too_large');
});

test('part size grows to stay within 10,000 parts and never drops below 5 MiB', () => {
  const plan = planUpload(200 * 1024 * MiB, { ...limits, maxUploadBytes: Number.MAX_SAFE_INTEGER }, true);
  assert.ok(plan !== 'too_large' && plan.kind === 'multipart' && plan.partCount <= MAX_PARTS);
  const tiny = planUpload(6 * MiB, { ...limits, multipartThresholdBytes: 1, partSizeBytes: 1 }, true);
  assert.deepEqual(tiny, { kind: 'multipart', partSize: 5 * MiB, partCount: 2 });
});
