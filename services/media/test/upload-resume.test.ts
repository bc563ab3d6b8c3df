import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { waitFor } from '@gatehouse/testkit';
import { MP3_FRAME_BYTES, silentMp3 } from '../src/domain/media-probe/audio-fixtures.ts';
import { MiB, sha256, showAndEpisode, useMediaApp } from './support/media-test-app.ts';

// Browser uploads: no checksum up front, parts straight to MinIO from another origin, resume after a
// dropped connection without sending the stored parts again (real Postgres, Redis, MinIO).
const ORIGIN = 'http://studio.example.test:53006';

/** Part numbers of the PutObjectPart requests MinIO's audit log recorded for one object. */
function partPuts(objectKey: string): number[] {
  const file = process.env.MINIO_AUDIT_LOG;
  assert.ok(file, 'MINIO_AUDIT_LOG is set by the local stack');
  const numbers: number[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('PutObjectPart') || !line.includes(objectKey)) continue;
    try {
      const entry = JSON.parse(line) as {
        api?: { name?: string; object?: string; statusCode?: number };
        requestQuery?: { partNumber?: string };
      };
      if (
        entry.api?.name === 'PutObjectPart' &&
        entry.api.object === objectKey &&
        entry.api.statusCode === 200
      )
        numbers.push(Number(entry.requestQuery?.partNumber));
    } catch {
      // a line cut by a concurrent append: read whole on the next pass
    }
  }
  return numbers.sort((a, b) => a - b);
}

/** A PUT as a browser on another origin sends it: preflight first, then the PUT with Origin. */
async function browserPut(url: string, body: Uint8Array) {
  const preflight = await fetch(url, {
    method: 'OPTIONS',
    headers: { origin: ORIGIN, 'access-control-request-method': 'PUT' },
  });
  assert.ok(preflight.status === 200 || preflight.status === 204, `preflight ${preflight.status}`);
  assert.equal(preflight.headers.get('access-control-allow-origin'), ORIGIN);
  assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PUT/);
  const put = await fetch(url, { method: 'PUT', headers: { origin: ORIGIN }, body });
  assert.equal(put.status, 200, await put.text());
  assert.equal(put.headers.get('access-control-allow-origin'), ORIGIN, 'the answer is readable cross-origin');
  return put;
}

describe('browser uploads against MinIO', () => {
  const t = useMediaApp();

  test('a multipart upload dropped at 60% resumes: /parts lists what is stored, only the rest is sent, complete without parts → ready with the computed sha256', async () => {
    const { episodeId } = await showAndEpisode(t.call);
    // Five 5 MiB parts (the last one shorter).
    const mp3 = silentMp3({ frames: Math.ceil((24 * MiB) / MP3_FRAME_BYTES), xing: true });
    const started = await t.call('POST', `/api/v1/episodes/${episodeId}/uploads`, {
      fileName: 'long episode.mp3',
      byteSize: mp3.length,
      contentType: 'audio/mpeg',
    });
    assert.equal(started.statusCode, 201, started.body);
    const plan = started.json();
    assert.equal(plan.kind, 'multipart');
    assert.equal(plan.upload.sha256, null, 'no checksum was declared');
    assert.equal(plan.multipart.parts.length, 5);
    const uploadId: string = plan.upload.id;
    const { objectKey } = await t.parts.prisma.mediaAsset.findUniqueOrThrow({ where: { id: uploadId } });

    // The connection drops after three of five parts.
    for (const part of plan.multipart.parts.slice(0, 3)) {
      await browserPut(part.url, mp3.subarray(part.start, part.end + 1));
    }

    const early = await t.call('POST', `/api/v1/uploads/${uploadId}/complete`, {});
    assert.equal(early.statusCode, 422, early.body);
    assert.equal(early.json().error.details.reason, 'parts_missing');
    assert.deepEqual(early.json().error.details.missing, [4, 5]);
    assert.equal(
      (await t.call('GET', `/api/v1/episodes/${episodeId}`)).json().media,
      null,
      'nothing attached',
    );
    assert.equal((await t.call('GET', `/api/v1/uploads/${uploadId}`)).json().status, 'uploading');

    const progress = await t.call('GET', `/api/v1/uploads/${uploadId}/parts`);
    assert.equal(progress.statusCode, 200, progress.body);
    const resume = progress.json();
    assert.equal(resume.partSize, 5 * MiB);
    assert.deepEqual(
      resume.parts.map((part: { partNumber: number; size: number }) => [part.partNumber, part.size]),
      [
        [1, 5 * MiB],
        [2, 5 * MiB],
        [3, 5 * MiB],
      ],
    );
    assert.ok(resume.parts.every((part: { etag: string }) => part.etag.length > 0));
    assert.deepEqual(
      resume.missing.map((part: { partNumber: number; start: number; end: number }) => [
        part.partNumber,
        part.start,
        part.end,
      ]),
      [
        [4, 15 * MiB, 20 * MiB - 1],
        [5, 20 * MiB, mp3.length - 1],
      ],
    );
    assert.ok(Date.parse(resume.expiresAt) > Date.now());
    assert.equal((await t.otherCall('GET', `/api/v1/uploads/${uploadId}/parts`)).statusCode, 404);

    for (const part of resume.missing) await browserPut(part.url, mp3.subarray(part.start, part.end + 1));

    const done = await t.call('POST', `/api/v1/uploads/${uploadId}/complete`);
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().status, 'ready');
    assert.equal(done.json().byteSize, mp3.length);
    assert.equal(done.json().sha256, sha256(mp3), 'finalize computed the hash');
    const row = await t.parts.prisma.mediaAsset.findUniqueOrThrow({ where: { id: uploadId } });
    assert.equal(row.sha256, sha256(mp3), 'and stored it');
    assert.equal((await t.call('GET', `/api/v1/episodes/${episodeId}`)).json().media.uploadId, uploadId);
    assert.equal(
      (await t.call('GET', `/api/v1/uploads/${uploadId}/parts`)).statusCode,
      409,
      'nothing left to resume',
    );

    // MinIO saw each part exactly once: the first three were not sent again.
    await waitFor(() => partPuts(objectKey).length >= 5, { timeoutMs: 10_000 });
    assert.deepEqual(partPuts(objectKey), [1, 2, 3, 4, 5]);
  });

  test('a single-PUT upload without a checksum: computed and stored on complete; /parts is a 409', async () => {
    const { episodeId } = await showAndEpisode(t.call);
    const mp3 = silentMp3({ frames: 120 });
    const started = await t.call('POST', `/api/v1/episodes/${episodeId}/uploads`, {
      fileName: 'short.mp3',
      byteSize: mp3.length,
      contentType: 'audio/mpeg',
    });
    assert.equal(started.statusCode, 201, started.body);
    const { upload, put } = started.json();
    assert.equal((await t.call('GET', `/api/v1/uploads/${upload.id}/parts`)).statusCode, 409);
    const response = await fetch(put.url, {
      method: 'PUT',
      headers: { ...put.headers, origin: ORIGIN },
      body: mp3,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), ORIGIN);
    const done = await t.call('POST', `/api/v1/uploads/${upload.id}/complete`, {});
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().sha256, sha256(mp3));
    assert.equal(
      (await t.parts.prisma.mediaAsset.findUniqueOrThrow({ where: { id: upload.id } })).sha256,
      sha256(mp3),
    );
  });

  test('MinIO answers the CORS preflight of a presigned single PUT with its signed content-type', async () => {
    const { episodeId } = await showAndEpisode(t.call);
    const started = await t.call('POST', `/api/v1/episodes/${episodeId}/uploads`, {
      fileName: 'x.mp3',
      byteSize: 1000,
      contentType: 'audio/mpeg',
    });
    const preflight = await fetch(started.json().put.url, {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.ok(preflight.status === 200 || preflight.status === 204, `preflight ${preflight.status}`);
    assert.equal(preflight.headers.get('access-control-allow-origin'), ORIGIN);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /content-type/i);
  });
});
