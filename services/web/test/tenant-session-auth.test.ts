import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { creatorSessionsFromPrisma } from '@gatehouse/sign-in/prisma';
import { S3StorageDriver } from '@gatehouse/storage';
import { createApiKeyVerifier, createPrismaApiKeyRepository } from '@gatehouse/tenant-keys';
import { stackEnv, uniqueId } from '@gatehouse/testkit';
import { Redis } from 'ioredis';
import { createDownloadStatsRepository } from '../../analytics/src/adapters/download-stats.repository.ts';
import { buildApp as buildAnalyticsApp } from '../../analytics/src/app.ts';
import type { SharingService } from '../../analytics/src/domain/sharing/sharing-service.ts';
import { createStripeClient, createStripeGateway } from '../../billing/src/adapters/stripe-gateway.ts';
import { createWebhookVerifier } from '../../billing/src/adapters/webhook-verifier.ts';
import { buildApp as buildBillingApp } from '../../billing/src/app.ts';
import { createRedisEpisodePolicyPublisher } from '../../media/src/adapters/episode-policy.publisher.ts';
import { createRedisOriginUrlStore } from '../../media/src/adapters/origin-url.store.ts';
import { buildApp as buildMediaApp } from '../../media/src/app.ts';
import { createOriginUrlKeeper } from '../../media/src/domain/origin-url-keeper.ts';
import {
  buildWebApp,
  confirm,
  createTenant,
  fakeUiDir,
  type Mail,
  operator,
  startMail,
  tokenOf,
  type WebApp,
} from './support/web-fixture.ts';

// The dashboard's session cookie on the tenant APIs: media's /api/v1 and billing's /billing/v1 accept
// `gh_studio` (+ X-CSRF-Token on writes) like an API key. Real Postgres, Redis, MinIO, stripe-mock, SMTP.
const env = stackEnv();
const BASE = 'http://127.0.0.1:58080';
const MiB = 1024 * 1024;
let prisma: PrismaClient;
let redis: Redis;
let s3: S3StorageDriver;
let mail: Mail;
let web: WebApp;
let media: ReturnType<typeof buildMediaApp>;
let billing: ReturnType<typeof buildBillingApp>;
let analytics: ReturnType<typeof buildAnalyticsApp>;

before(async () => {
  prisma = createPrismaClient(env.databaseUrl, { poolSize: 4 });
  redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 1 });
  s3 = new S3StorageDriver(env.s3);
  mail = await startMail();
  web = buildWebApp(prisma, mail, { uiDir: await fakeUiDir() });
  media = buildMediaApp({
    logger: createLogger({ level: 'silent', service: 'media-test' }),
    readiness: [],
    prisma,
    storage: s3,
    policies: createRedisEpisodePolicyPublisher(redis),
    originKeeper: createOriginUrlKeeper({
      store: createRedisOriginUrlStore(redis),
      presign: (key, ttl) => s3.presignGet(key, ttl),
      ttlMs: 3600_000,
    }),
    notifyOutbox: () => {},
    internalApiToken: 'web-test-internal-token-0123456789abcdef',
    limits: {
      maxUploadBytes: 50 * MiB,
      multipartThresholdBytes: 5 * MiB,
      partSizeBytes: 5 * MiB,
      uploadUrlTtlSeconds: 600,
    },
  });
  const stripe = createStripeClient({
    STRIPE_SECRET_KEY: env.stripe.secretKey,
    STRIPE_API_HOST: env.stripe.host,
    STRIPE_API_PORT: env.stripe.port,
    STRIPE_API_PROTOCOL: env.stripe.protocol,
  });
  analytics = buildAnalyticsApp({
    logger: createLogger({ level: 'silent', service: 'analytics-test' }),
    readiness: [],
    apiKeys: createApiKeyVerifier(createPrismaApiKeyRepository(prisma)),
    sessions: creatorSessionsFromPrisma(prisma),
    downloads: createDownloadStatsRepository(prisma),
    // Only the download counts are called here; the sharing routes are not.
    sharing: {} as SharingService,
  });
  billing = buildBillingApp({
    logger: createLogger({ level: 'silent', service: 'billing-test' }),
    readiness: [],
    prisma,
    gateway: createStripeGateway(stripe),
    verifier: createWebhookVerifier(stripe, ['whsec_web_test']),
    onCommitted: () => {},
    publicBaseUrl: BASE,
    internalApiToken: 'web-test-internal-token-0123456789abcdef',
  });
});
after(async () => {
  await Promise.all([web.close(), media.close(), billing.close(), analytics.close()]);
  await mail.close();
  redis.disconnect();
  s3.close();
  await prisma.$disconnect();
});

/** A tenant with a signed-in owner. */
async function signedInCreator() {
  const owner = `${uniqueId('creator')}@example.test`.toLowerCase();
  const { tenant } = await createTenant(web, uniqueId('t').toLowerCase(), owner);
  return { tenant, ...(await confirm(web, tokenOf(await mail.nth(owner, 1), BASE))) };
}

describe('session cookie on the tenant APIs', () => {
  test('media /api/v1: reads with the cookie, writes only with this session CSRF token, ends at sign-out', async () => {
    const a = await signedInCreator();
    const b = await signedInCreator();
    const call = (
      method: 'GET' | 'POST',
      url: string,
      session: { cookie: string },
      csrf?: string,
      payload?: object,
    ) =>
      media.inject({
        method,
        url,
        headers: { cookie: session.cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        ...(payload ? { payload } : {}),
      });
    const show = () => ({ slug: uniqueId('show').toLowerCase(), title: 'Session show' });

    const listed = await call('GET', '/api/v1/shows', a);
    assert.equal(listed.statusCode, 200, listed.body);

    const noCsrf = await call('POST', '/api/v1/shows', a, undefined, show());
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(noCsrf.json().error.code, 'csrf_invalid');
    const othersCsrf = await call('POST', '/api/v1/shows', a, b.csrf, show());
    assert.equal(othersCsrf.statusCode, 403);
    assert.equal(othersCsrf.json().error.code, 'csrf_invalid');
    assert.equal(await prisma.show.count({ where: { tenantId: a.tenantId } }), 0, 'nothing written');

    const created = await call('POST', '/api/v1/shows', a, a.csrf, show());
    assert.equal(created.statusCode, 201, created.body);
    const showId = created.json().id as string;
    assert.equal((await prisma.show.findUniqueOrThrow({ where: { id: showId } })).tenantId, a.tenantId);

    const foreign = await call('GET', `/api/v1/shows/${showId}`, b);
    assert.equal(foreign.statusCode, 404, "another tenant's show is not found");
    assert.equal((await call('GET', `/api/v1/shows/${showId}`, a)).statusCode, 200);

    const badKeyWins = await media.inject({
      method: 'GET',
      url: '/api/v1/shows',
      headers: { cookie: a.cookie, authorization: 'Bearer ghk_000000000000_nope' },
    });
    assert.equal(badKeyWins.statusCode, 401, 'an Authorization header is judged alone');

    const out = await web.inject({
      method: 'POST',
      url: '/web/v1/sign-out',
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrf },
    });
    assert.equal(out.statusCode, 204);
    const signedOut = await call('GET', '/api/v1/shows', a);
    assert.equal(signedOut.statusCode, 401);
    assert.equal(signedOut.json().error.code, 'UNAUTHENTICATED');
    assert.equal(
      (await call('POST', '/api/v1/shows', a, a.csrf, show())).statusCode,
      401,
      'replayed CSRF token',
    );
    assert.equal(
      (await media.inject({ method: 'GET', url: '/api/v1/shows', headers: { cookie: 'gh_studio=garbage' } }))
        .statusCode,
      401,
    );
  });

  test('an API key made in the dashboard works on media; the session tenant is the one acted on', async () => {
    const a = await signedInCreator();
    const key = await web.inject({
      method: 'POST',
      url: '/web/v1/api-keys',
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrf },
      payload: { name: 'script' },
    });
    assert.equal(key.statusCode, 201);
    const shows = await media.inject({
      method: 'GET',
      url: '/api/v1/shows',
      headers: { authorization: `Bearer ${key.json().key}` },
    });
    assert.equal(shows.statusCode, 200, shows.body);
  });

  test('billing /billing/v1: the cookie reads and, with CSRF, writes plans', async () => {
    const a = await signedInCreator();
    const plan = { name: 'Members', amount: 500, currency: 'usd', interval: 'month' };
    const noCsrf = await billing.inject({
      method: 'POST',
      url: '/billing/v1/plans',
      headers: { cookie: a.cookie },
      payload: plan,
    });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(noCsrf.json().error.code, 'csrf_invalid');
    assert.equal(await prisma.plan.count({ where: { tenantId: a.tenantId } }), 0);
    const created = await billing.inject({
      method: 'POST',
      url: '/billing/v1/plans',
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrf },
      payload: plan,
    });
    assert.equal(created.statusCode, 201, created.body);
    const listed = await billing.inject({
      method: 'GET',
      url: '/billing/v1/plans',
      headers: { cookie: a.cookie },
    });
    assert.equal(listed.statusCode, 200);
    assert.equal(listed.json().plans.length, 1);
    assert.equal((await billing.inject({ method: 'GET', url: '/billing/v1/plans' })).statusCode, 401);
  });

  test('analytics /api/v1/analytics: the cookie reads the session tenant counts', async () => {
    const a = await signedInCreator();
    const url = '/api/v1/analytics/downloads?from=2026-01-01&to=2026-01-31&groupBy=day';
    const read = await analytics.inject({ method: 'GET', url, headers: { cookie: a.cookie } });
    assert.equal(read.statusCode, 200, read.body);
    assert.equal((await analytics.inject({ method: 'GET', url })).statusCode, 401);
    assert.equal(
      (await analytics.inject({ method: 'GET', url, headers: { cookie: 'gh_studio=x' } })).statusCode,
      401,
    );
  });

  test('a suspended tenant: 403 on the tenant APIs, even with a live session', async () => {
    const a = await signedInCreator();
    await prisma.tenant.update({ where: { id: a.tenantId }, data: { status: 'suspended' } });
    const answer = await media.inject({ method: 'GET', url: '/api/v1/shows', headers: { cookie: a.cookie } });
    assert.equal(answer.statusCode, 403);
    // The operator still sees it.
    const seen = await web.inject({
      method: 'GET',
      url: `/operator/v1/tenants/${a.tenantId}`,
      headers: operator,
    });
    assert.equal(seen.json().status, 'suspended');
  });
});
