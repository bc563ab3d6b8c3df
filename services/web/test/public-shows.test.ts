import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { stackEnv } from '@gatehouse/testkit';
import { seedEpisode, seedPlan, seedShow, seedTenant } from '../../feeds/test/support/feeds-fixture.ts';
import { createPublicShowsRepository } from '../src/adapters/public-shows.repository.ts';
import { buildApp } from '../src/app.ts';
import { createPublicShowsService } from '../src/domain/public-shows.service.ts';

/**
 * The public show API on real Postgres (buildApp + inject): what a listener sees before paying —
 * published episodes (free or premium, never a media URL), plans on sale with price and trial —
 * and a 404 for unknown creators, unknown shows, shows with nothing published or for sale.
 */
const env = stackEnv();
let prisma: PrismaClient;
let app: ReturnType<typeof buildApp>;
let tenant: { id: string; slug: string };
let show: { id: string; slug: string };
const ids: Record<string, string> = {};

before(async () => {
  prisma = createPrismaClient(env.databaseUrl);
  const uiDir = await mkdtemp(join(tmpdir(), 'gh-web-ui-'));
  await mkdir(join(uiDir, 'assets'));
  await writeFile(join(uiDir, 'index.html'), '<!doctype html><title>Gatehouse</title>');
  app = buildApp({
    logger: createLogger({ level: 'silent', service: 'web-test' }),
    readiness: [],
    uiDir,
    publicShows: createPublicShowsService(createPublicShowsRepository(prisma)),
  });

  tenant = await seedTenant(prisma, { name: 'Night Owl Audio' });
  show = await seedShow(prisma, tenant.id, { title: 'Night Owls' });
  const hour = 3600_000;
  const free = await seedEpisode(prisma, tenant.id, show.id, {
    title: 'Free one',
    episodeNumber: 1,
    publishedAt: new Date(Date.now() - 3 * hour),
  });
  const premium = await seedEpisode(prisma, tenant.id, show.id, {
    title: 'Premium one',
    visibility: 'premium',
    episodeNumber: 2,
    publishedAt: new Date(Date.now() - 2 * hour),
  });
  const earlyOver = await seedEpisode(prisma, tenant.id, show.id, {
    title: 'Was early access',
    visibility: 'premium',
    episodeNumber: 3,
    publishedAt: new Date(Date.now() - hour),
    earlyAccessUntil: new Date(Date.now() - 60_000),
  });
  const scheduled = await seedEpisode(prisma, tenant.id, show.id, {
    title: 'Scheduled',
    visibility: 'premium',
    episodeNumber: 4,
    publishedAt: new Date(Date.now() + hour),
  });
  const draft = await seedEpisode(prisma, tenant.id, show.id, { title: 'Draft', episodeNumber: 5 });
  await prisma.episode.update({ where: { id: draft.id }, data: { status: 'draft' } });
  Object.assign(ids, {
    free: free.id,
    premium: premium.id,
    earlyOver: earlyOver.id,
    scheduled: scheduled.id,
    draft: draft.id,
  });

  const monthly = await seedPlan(prisma, tenant.id, { showIds: [show.id] }, 'Supporter');
  // trial_days/archived_at come with the billing additions of this release (SQL: see the repository).
  await prisma.$executeRaw`UPDATE plans SET trial_days = 7 WHERE id = ${monthly.id}::uuid`;
  const yearly = await prisma.plan.create({
    data: {
      tenantId: tenant.id,
      name: 'Patron',
      description: 'Every episode, a year',
      amount: 5000,
      currency: 'usd',
      interval: 'year',
    },
  });
  await prisma.planGrant.create({ data: { planId: yearly.id, episodeId: premium.id } });
  const archived = await seedPlan(prisma, tenant.id, { showIds: [show.id] }, 'Old plan');
  await prisma.$executeRaw`UPDATE plans SET archived_at = now(), active = false WHERE id = ${archived.id}::uuid`;
  const otherShow = await seedShow(prisma, tenant.id, { title: 'Other show' });
  await seedPlan(prisma, tenant.id, { showIds: [otherShow.id] }, 'Other show plan');
  Object.assign(ids, { monthly: monthly.id, yearly: yearly.id, archived: archived.id });
});

after(async () => {
  await app?.close();
  await prisma?.$disconnect();
});

const get = (path: string) => app.inject({ method: 'GET', url: `/web/v1/public/shows/${path}` });

describe('GET /web/v1/public/shows/:tenantSlug/:showSlug', () => {
  test('show, published episodes newest first (free/premium, no media URL), plans on sale with trial', async () => {
    const response = await get(`${tenant.slug}/${show.slug}`);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['cache-control'], 'public, max-age=60');
    const body = response.json();
    assert.deepEqual(body.tenant, { slug: tenant.slug, name: 'Night Owl Audio' });
    assert.equal(body.show.title, 'Night Owls');
    assert.equal(body.show.author, 'Ann Author');
    assert.equal(body.show.artworkUrl, 'https://img.example.com/cover-3000.jpg');
    assert.deepEqual(
      body.episodes.map((e: { id: string; access: string }) => [e.id, e.access]),
      [
        [ids.earlyOver, 'free'],
        [ids.premium, 'premium'],
        [ids.free, 'free'],
      ],
    );
    assert.equal(body.episodes[0].durationSeconds, 1234);
    assert.doesNotMatch(response.body, /\.mp3|object|\/m\/|\/d\//, 'no media location in the public answer');
    assert.deepEqual(
      body.plans.map((p: { id: string; amount: number; interval: string; trialDays: number }) => [
        p.id,
        p.amount,
        p.interval,
        p.trialDays,
      ]),
      [
        [ids.monthly, 500, 'month', 7],
        [ids.yearly, 5000, 'year', 0],
      ],
    );
  });

  test('stored artwork wins over the external URL and is served by media through the edge', async () => {
    const fileId = randomUUID();
    await prisma.$executeRaw`
      INSERT INTO public_files (id, tenant_id, show_id, kind, storage_driver, object_key, file_name, content_type, byte_size, sha256, width, height)
      VALUES (${fileId}::uuid, ${tenant.id}::uuid, ${show.id}::uuid, 'artwork', 's3', ${`test/${fileId}`}, 'cover art.png', 'image/png', 10, ${'0'.repeat(64)}, 1400, 1400)`;
    await prisma.$executeRaw`UPDATE shows SET artwork_file_id = ${fileId}::uuid WHERE id = ${show.id}::uuid`;
    const body = (await get(`${tenant.slug}/${show.slug}`)).json();
    assert.equal(body.show.artworkUrl, `/api/v1/public/files/${fileId}/cover%20art.png`);
  });

  test('unknown creator, unknown show, a suspended creator and an empty show are 404 NOT_FOUND', async () => {
    const empty = await seedShow(prisma, tenant.id, { title: 'Nothing yet' });
    const suspended = await seedTenant(prisma);
    const hidden = await seedShow(prisma, suspended.id);
    await seedEpisode(prisma, suspended.id, hidden.id);
    await prisma.tenant.update({ where: { id: suspended.id }, data: { status: 'suspended' } });
    for (const path of [
      `no-such-creator/${show.slug}`,
      `${tenant.slug}/no-such-show`,
      `${tenant.slug}/${empty.slug}`,
      `${suspended.slug}/${hidden.slug}`,
    ]) {
      const response = await get(path);
      assert.equal(response.statusCode, 404, path);
      assert.deepEqual(response.json(), { error: { code: 'NOT_FOUND', message: 'show not found' } });
      assert.equal(response.headers['cache-control'], 'public, max-age=10');
    }
  });

  test('malformed slugs are 400 and never reach the database', async () => {
    const response = await get(`${tenant.slug}/Bad%20Slug`);
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.code, 'VALIDATION_FAILED');
  });
});
