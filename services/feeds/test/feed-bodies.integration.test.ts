import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { stackEnv } from '@gatehouse/testkit';
import { Redis } from 'ioredis';
import { buildFeedsApp } from './support/feeds-app.ts';
import {
  seedEpisode,
  seedPlan,
  seedShow,
  seedSubscriber,
  seedTenant,
  testKeyring,
} from './support/feeds-fixture.ts';

/**
 * Private bodies are assembled into reused buffers (domain/body-pool.ts). Over real HTTP, with
 * bodies larger than a socket buffer (so writes finish asynchronously), many concurrent requests of
 * two subscribers on the same tier (same template, same body size: the same pooled buffers), some
 * aborted mid-body: every body that arrives is exactly its subscriber's feed, byte for byte.
 */
const env = stackEnv();
const { keyring } = testKeyring();
let prisma: PrismaClient;
let redis: Redis;
let built: ReturnType<typeof buildFeedsApp>;
let base: string;
let showId: string;
const subs: Awaited<ReturnType<typeof seedSubscriber>>[] = [];

before(async () => {
  prisma = createPrismaClient(env.databaseUrl);
  redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 1 });
  built = buildFeedsApp({ prisma, redis, keyring, smtpUrl: env.smtpUrl, stripe: env.stripe });
  base = await built.app.listen({ host: '127.0.0.1', port: 0 });
  const tenant = await seedTenant(prisma);
  const show = await seedShow(prisma, tenant.id);
  showId = show.id;
  for (let i = 1; i <= 150; i++)
    await seedEpisode(prisma, tenant.id, show.id, {
      visibility: 'premium',
      episodeNumber: i,
      title: `Ep ${i} ${'x'.repeat(20_000)}`,
    });
  const plan = await seedPlan(prisma, tenant.id, { showIds: [show.id] });
  subs.push(await seedSubscriber(prisma, keyring, tenant.id, plan.id, 'active'));
  subs.push(await seedSubscriber(prisma, keyring, tenant.id, plan.id, 'active'));
});

after(async () => {
  await built.app.close();
  redis.disconnect();
  await prisma.$disconnect();
});

test('concurrent, slow and aborted requests never mix two subscribers’ bodies', async () => {
  const url = (sub: (typeof subs)[number]) => `${base}/f/${sub.token}/${showId}.xml`;
  // fetch asks for gzip by default; the pooled path is the identity body.
  const headers = (sub: (typeof subs)[number]) => ({ ...sub.headers, 'accept-encoding': 'identity' });
  const reference = new Map<string, Buffer>();
  for (const sub of subs)
    reference.set(
      sub.token,
      Buffer.from(await (await fetch(url(sub), { headers: headers(sub) })).arrayBuffer()),
    );
  assert.equal(
    reference.get(subs[0]!.token)!.length,
    reference.get(subs[1]!.token)!.length,
    'same pooled size',
  );
  // Larger than what the kernel takes at once (4 MiB send buffer + the peer's window): writes stay
  // pending in the process while a slow app does not read.
  assert.ok(reference.get(subs[0]!.token)!.length > 5_500_000, 'bodies larger than the socket buffers');

  let checked = 0;
  // Workers issue requests back to back, so buffers are acquired while other responses are still
  // being written; slow readers keep writes pending; every fifth request is abandoned mid-body.
  const worker = async (w: number) => {
    for (let n = 0; n < 8; n++) {
      const sub = subs[(w + n) % 2]!;
      const other = subs[(w + n + 1) % 2]!;
      const controller = new AbortController();
      const response = await fetch(url(sub), { headers: headers(sub), signal: controller.signal });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-encoding'), null);
      const reader = response.body!.getReader();
      const chunks: Uint8Array[] = [];
      // A slow app: nothing read for a while, so the server's write stays pending in user space.
      if (w % 2 === 0) await new Promise((resolve) => setTimeout(resolve, 150));
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        if (n % 5 === 4) {
          controller.abort();
          break;
        }
      }
      if (n % 5 === 4) continue;
      const body = Buffer.concat(chunks);
      assert.equal(body.indexOf(other.token), -1, 'never the other subscriber’s token');
      assert.ok(body.equals(reference.get(sub.token)!), 'exactly the subscriber’s own feed');
      checked++;
    }
  };
  await Promise.all(
    Array.from({ length: 6 }, (_, w) =>
      worker(w).catch((error: Error) => {
        if (error.name !== 'AbortError') throw error;
      }),
    ),
  );
  assert.ok(checked >= 30, `${checked} bodies checked`);
});
