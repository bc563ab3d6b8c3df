import { randomUUID } from 'node:crypto';
import type { EdgeRequestRecord } from '@gatehouse/contracts';
import type { PrismaClient } from '@gatehouse/db';
import { createTenantWithApiKey } from '@gatehouse/tenant-keys';

export const MiB = 1024 * 1024;
/** 60 MiB over one hour: one minute of audio is exactly 1 MiB. */
export const LONG = { byteSize: 60 * MiB, durationSeconds: 3600 };
/** 300 kB over 20 s: shorter than a minute, so only the whole file counts. */
export const SHORT = { byteSize: 300_000, durationSeconds: 20 };

export interface Catalog {
  tenantId: string;
  apiKey: string;
  longEpisode: string;
  shortEpisode: string;
  planId: string;
  subscriberId: string;
}

/** A tenant with an API key, one show, a long and a short episode with probed files, a plan and a paying subscriber. */
export async function seedCatalog(prisma: PrismaClient, slug: string): Promise<Catalog> {
  const { tenantId, apiKey } = await createTenantWithApiKey(prisma, { slug, name: slug });
  const show = await prisma.show.create({
    data: { tenantId, slug: 'show', title: 'Show', podcastGuid: randomUUID() },
  });
  const episode = async (title: string, file: { byteSize: number; durationSeconds: number }) => {
    const created = await prisma.episode.create({
      data: { tenantId, showId: show.id, title, status: 'published' },
    });
    const asset = await prisma.mediaAsset.create({
      data: {
        tenantId,
        episodeId: created.id,
        storageDriver: 's3',
        objectKey: `t/${tenantId}/${created.id}.mp3`,
        contentType: 'audio/mpeg',
        byteSize: BigInt(file.byteSize),
        durationSeconds: file.durationSeconds,
        status: 'ready',
      },
    });
    await prisma.episode.update({ where: { id: created.id }, data: { currentMediaAssetId: asset.id } });
    return created.id;
  };
  const longEpisode = await episode('Long', LONG);
  const shortEpisode = await episode('Short', SHORT);
  const plan = await prisma.plan.create({
    data: { tenantId, name: 'Gold', amount: 500, currency: 'usd', interval: 'month' },
  });
  const subscriber = await prisma.subscriber.create({ data: { tenantId, email: `${slug}@example.test` } });
  await prisma.subscription.create({
    data: {
      tenantId,
      subscriberId: subscriber.id,
      planId: plan.id,
      stripeSubscriptionId: `sub_${slug}`,
      status: 'active',
    },
  });
  return { tenantId, apiKey, longEpisode, shortEpisode, planId: plan.id, subscriberId: subscriber.id };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
let nextId = Math.floor(Math.random() * 2 ** 40);

/** An edge record as the shipper publishes it (defaults: a full 200 GET of the long episode by one iPhone). */
export function edgeRecord(catalog: Catalog, over: Partial<EdgeRequestRecord> = {}): EdgeRequestRecord {
  nextId += 1;
  const size = over.episodeId === catalog.shortEpisode ? SHORT.byteSize : LONG.byteSize;
  return {
    id: hex(nextId, 32),
    at: '2026-12-02T10:00:00.000Z',
    kind: 'media',
    method: 'GET',
    status: 200,
    bytesSent: size,
    range: null,
    contentRange: null,
    objectSize: size,
    tenantId: catalog.tenantId,
    subscriberId: catalog.subscriberId,
    episodeId: catalog.longEpisode,
    via: 'plan',
    userAgent: 'Podcasts/1650.20 CFNetwork/1494.0.7 Darwin/23.4.0',
    ipHash: hex(1, 64),
    network: '203.0.113.0/24',
    saltDay: '2026-12-02',
    ...over,
  };
}

/** A 206 answer to `Range: bytes=start-end`. */
export function rangeRecord(
  catalog: Catalog,
  start: number,
  end: number,
  over: Partial<EdgeRequestRecord> = {},
): EdgeRequestRecord {
  const size = over.episodeId === catalog.shortEpisode ? SHORT.byteSize : LONG.byteSize;
  return edgeRecord(catalog, {
    status: 206,
    range: `bytes=${start}-${end}`,
    contentRange: `bytes ${start}-${end}/${size}`,
    bytesSent: end - start + 1,
    ...over,
  });
}

export const addressHash = (n: number) => hex(n, 64);
