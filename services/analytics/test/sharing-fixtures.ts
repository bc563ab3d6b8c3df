import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EdgeRequestRecord } from '@gatehouse/contracts';
import type { PrismaClient } from '@gatehouse/db';
import { createTenantWithApiKey } from '@gatehouse/tenant-keys';
import { uniqueId } from '@gatehouse/testkit';

/** Rows and edge records for the sharing tests (shared Postgres, isolated by fresh ids). */

export async function sharingTenant(prisma: PrismaClient) {
  const { tenantId, apiKey } = await createTenantWithApiKey(prisma, {
    slug: uniqueId('share'),
    name: 'Share Co',
  });
  const show = await prisma.show.create({
    data: { tenantId, slug: uniqueId('show'), title: 'Premium Show', podcastGuid: randomUUID() },
  });
  const plan = await prisma.plan.create({
    data: {
      tenantId,
      name: 'Gold',
      amount: 500,
      currency: 'usd',
      interval: 'month',
      grants: { create: { showId: show.id } },
    },
  });
  return { tenantId, apiKey, show, plan };
}

/** A paying subscriber (active subscription on the plan, credential at generation 1). */
export async function payingSubscriber(
  prisma: PrismaClient,
  tenant: { tenantId: string; plan: { id: string } },
) {
  const subscriber = await prisma.subscriber.create({
    data: { tenantId: tenant.tenantId, email: `${randomBytes(6).toString('hex')}@listener.test` },
  });
  await prisma.accessCredential.create({ data: { tenantId: tenant.tenantId, subscriberId: subscriber.id } });
  await prisma.subscription.create({
    data: {
      tenantId: tenant.tenantId,
      subscriberId: subscriber.id,
      planId: tenant.plan.id,
      stripeSubscriptionId: `sub_${randomBytes(8).toString('hex')}`,
      status: 'active',
    },
  });
  return subscriber;
}

const t0 = Date.parse('2026-12-01T06:00:00.000Z');

/** A served media request of a subscriber, shaped as the shipper publishes it. */
export function mediaRecord(
  who: { tenantId: string; subscriberId: string },
  request: { at: number; network: string; userAgent: string; episodeId: string; range: string | null },
): EdgeRequestRecord {
  return {
    id: randomBytes(16).toString('hex'),
    at: new Date(request.at).toISOString(),
    kind: 'media',
    method: 'GET',
    status: request.range === null ? 200 : 206,
    bytesSent: 1000,
    range: request.range,
    contentRange: null,
    objectSize: 40_000_000,
    tenantId: who.tenantId,
    subscriberId: who.subscriberId,
    episodeId: request.episodeId,
    via: 'plan',
    userAgent: request.userAgent,
    ipHash: createHash('sha256').update(request.network).digest('hex'),
    network: request.network,
    saltDay: new Date(request.at).toISOString().slice(0, 10),
  };
}

const APPS = [
  'Overcast/3.0',
  'Pocket Casts/7.50',
  'AntennaPod/3.4',
  'Castro/2024',
  'Spotify/8.9',
  'AppleCoreMedia/1.0',
];

/** A feed passed to 12 people on 12 networks using 6 apps, each fetching an episode (probe, start, rest). */
export function sharedFeedRecords(
  who: { tenantId: string; subscriberId: string },
  episodeId: string,
  start = t0,
) {
  return Array.from({ length: 12 }, (_, person) => {
    const device = { network: `198.51.${person}.0/24`, userAgent: APPS[person % APPS.length]!, episodeId };
    const at = start + person * 600_000;
    return [
      mediaRecord(who, { ...device, at, range: 'bytes=0-1' }),
      mediaRecord(who, { ...device, at: at + 1_000, range: 'bytes=0-' }),
      mediaRecord(who, { ...device, at: at + 60_000, range: 'bytes=20000000-' }),
    ];
  }).flat();
}

/** One listener: phone, watch and laptop at home and at work, the phone roaming over carrier networks. */
export function oneListenerRecords(
  who: { tenantId: string; subscriberId: string },
  episodeId: string,
  start = t0,
) {
  const phone = 'Overcast/3.0 (+http://overcast.fm/; iOS podcast app)';
  const watch = 'atc/1.0 watchOS/10.0 model/Watch6,1';
  const laptop = 'Podcasts/1.1 CFNetwork/1500 Darwin/23.0 (Macintosh)';
  const records: EdgeRequestRecord[] = [];
  const at = (minutes: number) => start + minutes * 60_000;
  for (const [minute, network, userAgent] of [
    [0, '203.0.113.0/24', phone],
    [5, '203.0.113.0/24', watch],
    [120, '192.0.2.0/24', laptop],
    [125, '192.0.2.0/24', phone],
    [600, '203.0.113.0/24', laptop],
  ] as const) {
    records.push(mediaRecord(who, { at: at(minute), network, userAgent, episodeId, range: 'bytes=0-' }));
  }
  for (let i = 0; i < 10; i++)
    records.push(
      mediaRecord(who, {
        at: at(60 + i * 5),
        network: `100.64.${i}.0/24`,
        userAgent: phone,
        episodeId,
        range: `bytes=${(i + 1) * 1_000_000}-`,
      }),
    );
  return records;
}
