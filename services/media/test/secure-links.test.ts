import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { LocalStorageDriver, type StorageDriver } from '@gatehouse/storage';
import { createTenantWithApiKey } from '@gatehouse/tenant-keys';
import { stackEnv, uniqueId } from '@gatehouse/testkit';
import { Redis } from 'ioredis';
import { createRedisEpisodePolicyPublisher } from '../src/adapters/episode-policy.publisher.ts';
import { createRedisOriginUrlStore } from '../src/adapters/origin-url.store.ts';
import { buildApp } from '../src/app.ts';
import { createOriginUrlKeeper } from '../src/domain/origin-url-keeper.ts';
import { createSecureLinkIssuer } from '../src/domain/secure-link-issuer.ts';

// Integration: the creators' API for nginx secure_link links, against the stack's real Postgres
// (API keys → tenants) and Redis; private files go to a temporary directory (the edge's root).
const env = stackEnv();
const SECRET = 'media-test-secure-link-secret-01';
const MAX_PRIVATE_BYTES = 1024;

let prisma: PrismaClient;
let redis: Redis;
let root: string;
let app: ReturnType<typeof buildApp>;
let mine: { tenantId: string; apiKey: string };
let theirs: { tenantId: string; apiKey: string };

before(async () => {
  prisma = createPrismaClient(env.databaseUrl, { poolSize: 2 });
  redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 1 });
  root = await mkdtemp(join(tmpdir(), 'gh-private-files-'));
  const files = new LocalStorageDriver({ root, uploadUrlFor: () => '', fileMode: 0o644 });
  const storage: StorageDriver = new LocalStorageDriver({
    root: join(root, 'media'),
    uploadUrlFor: (id) => `http://x/${id}`,
  });
  app = buildApp({
    logger: createLogger({ level: 'silent', service: 'media-test' }),
    readiness: [],
    prisma,
    storage,
    policies: createRedisEpisodePolicyPublisher(redis),
    originKeeper: createOriginUrlKeeper({
      store: createRedisOriginUrlStore(redis),
      presign: (key, ttl) => storage.presignGet(key, ttl),
      ttlMs: 3600_000,
    }),
    notifyOutbox: () => {},
    internalApiToken: 'media-test-internal-token-0123456789abcdef',
    limits: {
      maxUploadBytes: 1024 * 1024,
      multipartThresholdBytes: 64 * 1024 * 1024,
      partSizeBytes: 16 * 1024 * 1024,
      uploadUrlTtlSeconds: 600,
    },
    secureLinks: {
      issue: createSecureLinkIssuer({
        secret: SECRET,
        prefix: 'private/',
        bindClientIp: false,
        publicBaseUrl: 'https://edge.example.com',
      }),
      privatePrefix: 'private/',
      privateFiles: { write: (k, b, o) => files.writeObject(k, b, o), maxBytes: MAX_PRIVATE_BYTES },
    },
  });
  mine = await createTenantWithApiKey(prisma, { slug: uniqueId('tenant'), name: 'Secure A' });
  theirs = await createTenantWithApiKey(prisma, { slug: uniqueId('tenant'), name: 'Secure B' });
});
after(async () => {
  await app?.close();
  await prisma?.$disconnect();
  redis?.disconnect();
  if (root) await rm(root, { recursive: true, force: true });
});

const issue = (apiKey: string, body: unknown) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/secure-links',
    headers: { authorization: `Bearer ${apiKey}` },
    payload: body as object,
  });
const put = (apiKey: string, path: string, body: Buffer | string) =>
  app.inject({
    method: 'PUT',
    url: `/api/v1/private-files/${path}`,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/pdf' },
    payload: body,
  });

describe('POST /api/v1/secure-links and PUT /api/v1/private-files', () => {
  test('a tenant stores a file in its own area and gets a link nginx will accept', async () => {
    const bytes = Buffer.from('%PDF-1.7 private report');
    const stored = await put(mine.apiKey, 'reports/q1.pdf', bytes);
    assert.equal(stored.statusCode, 201, stored.body);
    const path = `private/t/${mine.tenantId}/reports/q1.pdf`;
    assert.deepEqual(stored.json(), { path, size: bytes.length });
    assert.deepEqual(await readFile(join(root, path)), bytes);
    assert.equal((await stat(join(root, path))).mode & 0o777, 0o644);
    assert.deepEqual(await readdir(join(root, '.partial')), []);

    const before = Math.floor(Date.now() / 1000);
    const response = await issue(mine.apiKey, { path, expiresInSeconds: 120 });
    assert.equal(response.statusCode, 201, response.body);
    const { url, expiresAt } = response.json();
    const parsed = new URL(url);
    assert.equal(parsed.origin, 'https://edge.example.com');
    assert.equal(parsed.pathname, `/s/${path}`);
    const expires = Number(parsed.searchParams.get('expires'));
    assert.ok(expires >= before + 120 && expires <= before + 122, `expires ${expires}`);
    assert.equal(new Date(expiresAt).getTime(), expires * 1000);
    // The edge's secure_link_md5 "$secure_link_expires$uri <secret>", base64url without padding.
    const md5 = createHash('md5').update(`${expires}/s/${path} ${SECRET}`).digest('base64url');
    assert.equal(parsed.searchParams.get('md5'), md5);

    const byDefault = await issue(mine.apiKey, { path });
    assert.equal(byDefault.statusCode, 201, byDefault.body);
    const defaultExpires = Number(new URL(byDefault.json().url).searchParams.get('expires'));
    assert.ok(Math.abs(defaultExpires - (Math.floor(Date.now() / 1000) + 3600)) <= 2);
  });

  test('another tenant’s path, traversal and encoded separators are refused with stable codes', async () => {
    const own = `private/t/${mine.tenantId}`;
    const cases: Array<[string, number, string]> = [
      [`private/t/${theirs.tenantId}/reports/q1.pdf`, 403, 'SECURE_LINK_PATH_FORBIDDEN'],
      [`public/${mine.tenantId}/a.pdf`, 403, 'SECURE_LINK_PATH_FORBIDDEN'],
      [`${own}/../${theirs.tenantId}/a.pdf`, 400, 'SECURE_LINK_PATH_INVALID'],
      [`${own}/%2e%2e/${theirs.tenantId}/a.pdf`, 400, 'SECURE_LINK_PATH_INVALID'],
      [`${own}%2F..%2F${theirs.tenantId}/a.pdf`, 400, 'SECURE_LINK_PATH_INVALID'],
      [`/${own}/a.pdf`, 400, 'SECURE_LINK_PATH_INVALID'],
    ];
    for (const [path, status, code] of cases) {
      const response = await issue(mine.apiKey, { path });
      assert.equal(response.statusCode, status, `${path}: ${response.body}`);
      assert.equal(response.json().error.code, code, path);
    }
    // The other tenant cannot sign my file either.
    const foreign = await issue(theirs.apiKey, { path: `${own}/reports/q1.pdf` });
    assert.equal(foreign.statusCode, 403);
    assert.equal(foreign.json().error.code, 'SECURE_LINK_PATH_FORBIDDEN');
  });

  test('the body is checked: bounds, unknown fields, credentials', async () => {
    const path = `private/t/${mine.tenantId}/a.pdf`;
    for (const body of [
      { path, expiresInSeconds: 0 },
      { path, expiresInSeconds: 8 * 24 * 3600 },
      { path, expiresInSeconds: 'soon' },
      { path, extra: true },
      { path, bindClientIp: '203.0.113.9' },
      {},
    ]) {
      const response = await issue(mine.apiKey, body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
    }
    const anonymous = await app.inject({ method: 'POST', url: '/api/v1/secure-links', payload: { path } });
    assert.equal(anonymous.statusCode, 401);
  });

  test('uploads: no overwrite, size limit, no escape from the area', async () => {
    assert.equal((await put(mine.apiKey, 'once.pdf', 'first')).statusCode, 201);
    const again = await put(mine.apiKey, 'once.pdf', 'second');
    assert.equal(again.statusCode, 409);
    assert.equal(await readFile(join(root, `private/t/${mine.tenantId}/once.pdf`), 'utf8'), 'first');

    const big = await put(mine.apiKey, 'big.bin', Buffer.alloc(MAX_PRIVATE_BYTES + 1));
    assert.equal(big.statusCode, 413);
    await assert.rejects(stat(join(root, `private/t/${mine.tenantId}/big.bin`)), { code: 'ENOENT' });

    for (const path of [
      `..%2F${theirs.tenantId}%2Fx.pdf`,
      'a%2Fb.pdf',
      'a%5Cb.pdf',
      'a/.b/c.pdf',
      '.hidden',
    ]) {
      const response = await put(mine.apiKey, path, 'x');
      assert.equal(response.statusCode, 400, `${path}: ${response.body}`);
      assert.equal(response.json().error.code, 'SECURE_LINK_PATH_INVALID', path);
    }
    assert.deepEqual(await readdir(join(root, 'private', 't')).then((d) => d.sort()), [mine.tenantId]);
  });
});
