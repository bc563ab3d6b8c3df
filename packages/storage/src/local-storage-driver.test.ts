import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { LocalStorageDriver } from './local-storage-driver.ts';
import { ObjectExistsError, ObjectTooLargeError, StorageNotSupportedError } from './storage-driver.ts';

async function withDriver(fn: (driver: LocalStorageDriver, root: string) => Promise<void>) {
  const root = await mkdtemp(join(tmpdir(), 'gh-local-storage-'));
  try {
    await fn(
      new LocalStorageDriver({ root, uploadUrlFor: (id) => `http://media/api/v1/uploads/${id}/content` }),
      root,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('writes atomically, reads ranges and streams, deletes', () =>
  withDriver(async (driver, root) => {
    await driver.checkReady();
    const body = Buffer.from('0123456789abcdef');
    assert.deepEqual(
      await driver.writeObject('t/a/e/b/c/f.mp3', Readable.from([body.subarray(0, 5), body.subarray(5)]), {
        maxBytes: 100,
      }),
      { size: 16 },
    );
    assert.deepEqual(await readFile(join(root, 't/a/e/b/c/f.mp3')), body);
    assert.equal((await driver.head('t/a/e/b/c/f.mp3'))?.size, 16);
    assert.equal(Buffer.from(await driver.readRange('t/a/e/b/c/f.mp3', 2, 5)).toString(), '2345');
    assert.equal(Buffer.from(await driver.readRange('t/a/e/b/c/f.mp3', 10, 99)).toString(), 'abcdef');
    assert.equal((await driver.readRange('t/a/e/b/c/f.mp3', 16, 99)).length, 0);
    const chunks: Buffer[] = [];
    for await (const chunk of await driver.readStream('t/a/e/b/c/f.mp3')) chunks.push(chunk as Buffer);
    assert.deepEqual(Buffer.concat(chunks), body);
    await driver.delete('t/a/e/b/c/f.mp3');
    assert.equal(await driver.head('t/a/e/b/c/f.mp3'), undefined);
    await driver.delete('t/a/e/b/c/f.mp3');
  }));

test('a body over the limit or a failing stream leaves no file behind', () =>
  withDriver(async (driver, root) => {
    await assert.rejects(
      driver.writeObject('t/x/big.mp3', Readable.from([Buffer.alloc(64), Buffer.alloc(64)]), {
        maxBytes: 100,
      }),
      ObjectTooLargeError,
    );
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(10));
        this.destroy(new Error('client went away'));
      },
    });
    await assert.rejects(
      driver.writeObject('t/x/broken.mp3', failing, { maxBytes: 100 }),
      /client went away/,
    );
    assert.equal(await driver.head('t/x/big.mp3'), undefined);
    assert.equal(await driver.head('t/x/broken.mp3'), undefined);
    assert.deepEqual(await readdir(join(root, '.partial')), []);
  }));

test('refuses unsafe keys and the operations local storage does not have', () =>
  withDriver(async (driver) => {
    assert.throws(() => driver.pathOf('../escape'));
    assert.throws(() => driver.pathOf('.partial/x'));
    await assert.rejects(driver.presignGet(), StorageNotSupportedError);
    await assert.rejects(driver.startMultipart(), StorageNotSupportedError);
    const upload = await driver.createUpload({
      uploadId: 'u1',
      objectKey: 't/a/f.mp3',
      contentType: 'audio/mpeg',
      ttlSeconds: 60,
    });
    assert.equal(upload.url, 'http://media/api/v1/uploads/u1/content');
  }));

test('overwrite: false keeps the first of two concurrent writes and leaves no temporary file', () =>
  withDriver(async (driver, root) => {
    const write = (text: string) =>
      driver.writeObject('private/t/a/doc.pdf', Readable.from([Buffer.from(text)]), {
        maxBytes: 100,
        overwrite: false,
      });
    const results = await Promise.allSettled([write('first'), write('second')]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(rejected.reason instanceof ObjectExistsError);
    const kept = (await readFile(join(root, 'private/t/a/doc.pdf'))).toString();
    assert.ok(kept === 'first' || kept === 'second');
    await assert.rejects(write('third'), ObjectExistsError);
    assert.equal((await readFile(join(root, 'private/t/a/doc.pdf'))).toString(), kept);
    assert.deepEqual(await readdir(join(root, '.partial')), []);
  }));
