import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { imagesEnvFile, localImages, parseImagesEnv } from './local-images.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-images-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const written = [
  '# Written by scripts/images/build.sh: local image tags (content hashes).',
  'export GATEHOUSE_IMAGE_MINIO=gatehouse-local/minio:b21cb564f3b545cc',
  'export GATEHOUSE_IMAGE_MINIO_AUDIT=gatehouse-local/minio-audit:fccad26c26cc64b5',
  'export GATEHOUSE_IMAGE_NATS=gatehouse-local/nats:4c1698974f8873e5',
  'export GATEHOUSE_IMAGE_POSTGRES=gatehouse-local/postgres:407853b8bf3822d3',
  'export GATEHOUSE_IMAGE_REDIS=gatehouse-local/redis:5839ae5dd1d32f57',
  'export GATEHOUSE_IMAGE_STRIPE_MOCK=gatehouse-local/stripe-mock:d892ae1fc407fc91',
  '',
].join('\n');

describe('local images (scripts/images/build.sh tags)', () => {
  test('the file lives in the tool cache unless GATEHOUSE_IMAGES_ENV names another', () => {
    assert.equal(imagesEnvFile({ HOME: '/h' }), '/h/.cache/gatehouse/images/images.env');
    assert.equal(imagesEnvFile({ HOME: '/h', GATEHOUSE_IMAGES_ENV: '/x/images.env' }), '/x/images.env');
  });

  test('reads every backing part’s tag', () => {
    const file = join(dir, 'images.env');
    writeFileSync(file, written);
    assert.deepEqual(localImages({ GATEHOUSE_IMAGES_ENV: file }), {
      postgres: 'gatehouse-local/postgres:407853b8bf3822d3',
      redis: 'gatehouse-local/redis:5839ae5dd1d32f57',
      nats: 'gatehouse-local/nats:4c1698974f8873e5',
      minio: 'gatehouse-local/minio:b21cb564f3b545cc',
      stripeMock: 'gatehouse-local/stripe-mock:d892ae1fc407fc91',
      minioAudit: 'gatehouse-local/minio-audit:fccad26c26cc64b5',
    });
    assert.equal(Object.keys(parseImagesEnv(`${written}export OTHER=1\nnot a line\n`)).length, 6);
  });

  test('a missing file or tag is one line naming what is missing and the build command', () => {
    const file = join(dir, 'partial.env');
    writeFileSync(file, written.replace(/^export GATEHOUSE_IMAGE_NATS=.*\n/m, ''));
    assert.throws(
      () => localImages({ GATEHOUSE_IMAGES_ENV: file }),
      new Error(
        `no local image for GATEHOUSE_IMAGE_NATS in ${file}; build them: bash scripts/images/build.sh`,
      ),
    );
    assert.throws(
      () => localImages({ GATEHOUSE_IMAGES_ENV: join(dir, 'none.env') }),
      /GATEHOUSE_IMAGE_POSTGRES, /,
    );
  });
});
