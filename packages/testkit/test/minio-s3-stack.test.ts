import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { readMinioAudit, stackEnv, uniqueId, waitFor } from '../src/index.ts';

test('MinIO: presigned PUT then presigned GET, and the audit log records the GetObject', async () => {
  const { s3 } = stackEnv();
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    // Presigned URLs are used by clients that send no checksum headers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const key = `${uniqueId('testkit')}/episode.mp3`;
  const body = new Uint8Array(4096).map((_, i) => i % 251);
  try {
    const putUrl = await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: s3.bucket, Key: key, ContentType: 'audio/mpeg' }),
      { expiresIn: 60 },
    );
    const put = await fetch(putUrl, { method: 'PUT', body, headers: { 'content-type': 'audio/mpeg' } });
    assert.equal(put.status, 200, await put.text());

    const since = new Date();
    const getUrl = await getSignedUrl(client, new GetObjectCommand({ Bucket: s3.bucket, Key: key }), {
      expiresIn: 60,
    });
    const get = await fetch(getUrl);
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('content-type'), 'audio/mpeg');
    assert.deepEqual(new Uint8Array(await get.arrayBuffer()), body);

    const unsigned = await fetch(`${s3.endpoint}/${s3.bucket}/${key}`);
    assert.equal(unsigned.status, 403, 'the bucket is private');
    await unsigned.arrayBuffer();

    const gets = await waitFor(
      () => {
        const entries = readMinioAudit({ since, key });
        return entries.length >= 2 ? entries : undefined;
      },
      { timeoutMs: 5000, description: `two audit entries for GetObject ${key}` },
    );
    assert.equal(gets.length, 2, 'the presigned GET and the refused unsigned GET');
    assert.deepEqual(gets.map((g) => [g.bucket, g.key, g.statusCode]).sort(), [
      [s3.bucket, key, 200],
      [s3.bucket, key, 403],
    ]);
    assert.equal(gets.find((g) => g.statusCode === 200)?.bytesSent, body.length);
  } finally {
    await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: key })).catch(() => undefined);
    client.destroy();
  }
});
