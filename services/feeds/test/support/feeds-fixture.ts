import { randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient } from '@gatehouse/db';
import { issueAccessToken, type Keyring, parseKeyring } from '@gatehouse/tokens';

/**
 * Seeds tenants, shows, episodes, plans and subscribers straight into Postgres for the feeds
 * tests, the benchmark and the demo. Every call makes fresh rows (unique slugs), so tests sharing
 * one database never see each other's data.
 */
export function testKeyring(): { keyring: Keyring; spec: string; kid: string } {
  const spec = `t1:${randomBytes(32).toString('base64url')}`;
  return { keyring: parseKeyring(spec, 't1'), spec, kid: 't1' };
}

const suffix = () => randomBytes(4).toString('hex');

export async function seedTenant(prisma: PrismaClient, over: { name?: string; slug?: string } = {}) {
  return prisma.tenant.create({
    data: { slug: over.slug ?? `t-${suffix()}`, name: over.name ?? 'Acme Audio' },
  });
}

export async function seedShow(
  prisma: PrismaClient,
  tenantId: string,
  over: Partial<{ title: string; slug: string; listPremiumTeasers: boolean }> = {},
) {
  return prisma.show.create({
    data: {
      tenantId,
      slug: over.slug ?? `show-${suffix()}`,
      title: over.title ?? 'The Show',
      description: '<p>A show about <b>things</b> & stuff</p>',
      author: 'Ann Author',
      ownerEmail: 'owner@example.com',
      imageUrl: 'https://img.example.com/cover-3000.jpg',
      language: 'en',
      itunesCategory: 'Technology',
      itunesSubcategory: 'Tech News',
      explicit: false,
      websiteUrl: 'https://example.com/',
      podcastGuid: randomUUID(),
      listPremiumTeasers: over.listPremiumTeasers ?? false,
    },
  });
}

export interface EpisodeSeed {
  title?: string;
  visibility?: 'public' | 'premium';
  lifecycleKind?: 'none' | 'welcome' | 'payment_failed' | 'subscription_ended';
  publishedAt?: Date;
  earlyAccessUntil?: Date | null;
  episodeNumber?: number;
  byteSize?: number;
  fileName?: string;
  transcript?: boolean;
}

export async function seedEpisode(
  prisma: PrismaClient,
  tenantId: string,
  showId: string,
  seed: EpisodeSeed = {},
) {
  const episode = await prisma.episode.create({
    data: {
      tenantId,
      showId,
      title: seed.title ?? `Episode ${seed.episodeNumber ?? 1}`,
      description: '<p>Show notes with <a href="https://example.com">a link</a></p>',
      seasonNumber: 1,
      episodeNumber: seed.episodeNumber ?? 1,
      status: 'published',
      visibility: seed.visibility ?? 'public',
      lifecycleKind: seed.lifecycleKind ?? 'none',
      publishedAt: seed.publishedAt ?? new Date(Date.now() - 3600_000),
      earlyAccessUntil: seed.earlyAccessUntil ?? null,
      transcriptUrl: seed.transcript ? 'https://example.com/t.vtt' : null,
      transcriptType: seed.transcript ? 'text/vtt' : null,
      chaptersUrl: seed.transcript ? 'https://example.com/chapters.json' : null,
    },
  });
  const asset = await prisma.mediaAsset.create({
    data: {
      tenantId,
      episodeId: episode.id,
      storageDriver: 's3',
      objectKey: `test/${tenantId}/${episode.id}/${suffix()}.mp3`,
      originalFileName: seed.fileName ?? 'episode.mp3',
      contentType: 'audio/mpeg',
      byteSize: BigInt(seed.byteSize ?? 123_456),
      durationSeconds: 1234,
      status: 'ready',
    },
  });
  return prisma.episode.update({ where: { id: episode.id }, data: { currentMediaAssetId: asset.id } });
}

export async function seedPlan(
  prisma: PrismaClient,
  tenantId: string,
  grants: { showIds?: string[]; episodeIds?: string[] },
  name = 'Plan',
) {
  const plan = await prisma.plan.create({
    data: { tenantId, name, amount: 500, currency: 'usd', interval: 'month' },
  });
  for (const showId of grants.showIds ?? [])
    await prisma.planGrant.create({ data: { planId: plan.id, showId } });
  for (const episodeId of grants.episodeIds ?? [])
    await prisma.planGrant.create({ data: { planId: plan.id, episodeId } });
  return plan;
}

export type SubscriptionState = 'active' | 'canceled' | 'past_due' | 'unpaid';

export async function seedSubscriber(
  prisma: PrismaClient,
  keyring: Keyring,
  tenantId: string,
  planId: string | undefined,
  status: SubscriptionState = 'active',
  over: { email?: string; stripeCustomerId?: string } = {},
) {
  const subscriber = await prisma.subscriber.create({
    data: {
      tenantId,
      email: over.email ?? `sub-${suffix()}@example.com`,
      stripeCustomerId: over.stripeCustomerId ?? `cus_${suffix()}`,
    },
  });
  const credential = await prisma.accessCredential.create({
    data: { tenantId, subscriberId: subscriber.id },
  });
  if (planId) {
    await prisma.subscription.create({
      data: {
        tenantId,
        subscriberId: subscriber.id,
        planId,
        stripeSubscriptionId: `sub_${suffix()}`,
        status,
        currentPeriodEnd: new Date(Date.now() + 20 * 24 * 3600_000),
        pastDueSince: status === 'past_due' ? new Date(Date.now() - 30 * 24 * 3600_000) : null,
      },
    });
  }
  const token = issueAccessToken(keyring, {
    tenantId,
    subscriberId: subscriber.id,
    generation: credential.generation,
  });
  return {
    subscriber,
    token,
    headers: {
      'x-gatehouse-tenant-id': tenantId,
      'x-gatehouse-subscriber-id': subscriber.id,
      'x-gatehouse-generation': String(credential.generation),
    },
  };
}
