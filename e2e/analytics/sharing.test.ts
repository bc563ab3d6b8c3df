import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { computePlanGrants, computeSubscriberAccess } from '@gatehouse/access-snapshot';
import { type EdgeRequestRecord, redisKeys } from '@gatehouse/contracts';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { closedPort, keepOutputTail, stackEnv, stopIfExited, waitFor } from '@gatehouse/testkit';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ensureEdgeStream } from '../../services/analytics/src/shipper/edge-stream.ts';
import {
  payingSubscriber,
  sharedFeedRecords,
  sharingTenant,
} from '../../services/analytics/test/sharing-fixtures.ts';
import { startSmtpCapture } from '../../services/feeds/test/support/smtp-capture.ts';
import { mediaUrl, mintToken, openWorld, publishEpisode, type World } from '../edge/edge-fixtures.ts';
import {
  E2E_ACTIVE_KID,
  E2E_INTERNAL_API_TOKEN,
  E2E_TOKEN_KEYS,
  type Platform,
  startPlatform,
} from '../support/platform.ts';

/**
 * Sharing detection end to end: the real analytics service (its own process) reads edge records from
 * the stack's GH_EDGE stream (published here directly, shaped as the shipper publishes them), raises
 * exactly one alert for a feed shared across 12 networks and 6 apps, and its policy acts on it through
 * the real parts: a suspension reaches the edge (auth projector → Redis → 403) within a second; a
 * reset rotates the token through billing (old feed URL 410) and mails the new link over SMTP.
 * Run under the e2e lock (it starts auth, feeds and billing on their standard ports).
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const env = stackEnv();
const run = randomBytes(4).toString('hex');
let prisma: PrismaClient;
let nats: NatsConnection;
let world: World;
let platform: Platform;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
let analytics: ChildProcess;
let analyticsUrl: string;

const analyticsApi = (apiKey: string, method: string, pathAndQuery: string, body?: unknown) =>
  fetch(`${analyticsUrl}/api/v1/analytics/sharing${pathAndQuery}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

/** A creator in Postgres (API key, show, plan) and in Redis as billing and media publish it, with a policy. */
async function creator(policy: 'suspend' | 'alert+reset') {
  const { tenantId, apiKey, show, plan } = await sharingTenant(prisma);
  await world.store.putIfNewer(redisKeys.tenant(tenantId), { tenantId, status: 'active', version: 1 });
  await world.store.putIfNewer(redisKeys.plan(plan.id), (await computePlanGrants(prisma, plan.id))!);
  const settings = (await (await analyticsApi(apiKey, 'GET', '/settings')).json()) as Record<string, unknown>;
  const put = await analyticsApi(apiKey, 'PUT', '/settings', { ...settings, policy });
  assert.equal(put.status, 200, await put.text());
  const episode = await publishEpisode(
    world,
    { tenantId, showId: show.id, planId: plan.id },
    { storage: 's3', size: 64 * 1024 },
  );
  const subscriber = await payingSubscriber(prisma, { tenantId, plan });
  // The snapshot billing would have published for the new subscription.
  await prisma.subscriber.update({ where: { id: subscriber.id }, data: { accessVersion: 1 } });
  await world.store.putIfNewer(
    redisKeys.subscriber(subscriber.id),
    (await computeSubscriberAccess(prisma, subscriber.id))!,
  );
  return { tenantId, apiKey, show, plan, episode, subscriber, token: mintToken(tenantId, subscriber.id, 1) };
}

async function publishRecords(records: readonly EdgeRequestRecord[]) {
  const js = jetstream(nats);
  for (const record of records)
    await js.publish('ghedge.request.v1', JSON.stringify(record), { msgID: record.id });
}

async function alertsOf(apiKey: string) {
  const response = await analyticsApi(apiKey, 'GET', '/alerts');
  assert.equal(response.status, 200);
  return ((await response.json()) as { alerts: unknown }).alerts as {
    id: string;
    status: string;
    actions: { kind: string; state: string }[];
  }[];
}

before(async () => {
  prisma = createPrismaClient(env.databaseUrl);
  nats = await connect({ servers: env.natsUrl });
  await ensureEdgeStream(await jetstreamManager(nats));
  world = openWorld();
  platform = await startPlatform(['auth', 'feeds', 'billing'], { timeoutMs: 60_000 });
  const smtpUrl = `smtp://127.0.0.1:${await closedPort()}`;
  smtp = await startSmtpCapture(smtpUrl);
  const port = await closedPort();
  analyticsUrl = `http://127.0.0.1:${port}`;
  const log = createWriteStream(path.join(env.logDir, `e2e-analytics-sharing-${run}.log`));
  analytics = spawn(
    path.join(ROOT, 'node_modules', '.bin', 'node'),
    [path.join(ROOT, 'services/analytics/src/main.ts')],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        DATABASE_URL: env.databaseUrl,
        NATS_URL: env.natsUrl,
        // Its own durable names: a fresh position in GH_EDGE for this run.
        SHARING_CONSUMER: `e2e-sharing-${run}`,
        ANALYTICS_CONSUMER: `e2e-downloads-${run}`,
        BILLING_URL: platform.url('billing'),
        INTERNAL_API_TOKEN: E2E_INTERNAL_API_TOKEN,
        SMTP_URL: smtpUrl,
        TOKEN_KEYS: E2E_TOKEN_KEYS,
        TOKEN_ACTIVE_KID: E2E_ACTIVE_KID,
        PUBLIC_BASE_URL: env.edgeUrl,
      },
    },
  );
  analytics.stdout?.pipe(log);
  analytics.stderr?.pipe(log);
  const tail = keepOutputTail(analytics);
  await waitFor(
    async () => {
      stopIfExited('analytics', analytics, tail);
      return (await fetch(`${analyticsUrl}/readyz`).catch(() => undefined))?.ok;
    },
    { timeoutMs: 30_000, intervalMs: 200, description: 'analytics /readyz' },
  );
});

after(async () => {
  if (analytics && analytics.exitCode === null) {
    const exited = new Promise((resolve) => analytics.once('exit', resolve));
    analytics.kill('SIGTERM');
    await exited;
  }
  const jsm = await jetstreamManager(nats);
  for (const name of [`e2e-sharing-${run}`, `e2e-downloads-${run}`])
    await jsm.consumers.delete('GH_EDGE', name).catch(() => {});
  await smtp?.close();
  await platform?.stop();
  await world?.close();
  await nats?.drain();
  await prisma?.$disconnect();
});

describe('sharing detection end to end', () => {
  test('policy suspend: exactly one alert, and the edge denies the subscriber within a second; unsuspend restores', async () => {
    const c = await creator('suspend');
    const url = mediaUrl(world, c.token, c.episode);
    const granted = await fetch(url, { headers: { range: 'bytes=0-1' } });
    assert.equal(granted.status, 206);
    await granted.arrayBuffer();

    await publishRecords(
      sharedFeedRecords({ tenantId: c.tenantId, subscriberId: c.subscriber.id }, c.episode.episodeId),
    );
    const [alert] = await waitFor(
      async () => {
        const alerts = await alertsOf(c.apiKey);
        return alerts.length > 0 && alerts[0]!.status === 'resolved' && alerts;
      },
      { timeoutMs: 20_000, description: 'the alert, resolved by the suspension' },
    );
    const suspendedAt = Date.now();
    assert.equal((await alertsOf(c.apiKey)).length, 1, 'exactly one alert');
    assert.deepEqual(
      alert!.actions.map((a) => [a.kind, a.state]),
      [['suspend', 'done']],
    );

    await waitFor(
      async () => {
        const response = await fetch(url, { headers: { range: 'bytes=0-1' } });
        await response.arrayBuffer();
        return response.status === 403;
      },
      {
        timeoutMs: 1_000,
        intervalMs: 25,
        description: 'media denied (403) within a second of the suspension',
      },
    );
    console.log(`# suspension → 403 at the edge: ${Date.now() - suspendedAt} ms`);

    const lifted = await analyticsApi(c.apiKey, 'POST', `/subscribers/${c.subscriber.id}/unsuspend`);
    assert.equal(lifted.status, 200, await lifted.text());
    await waitFor(
      async () => {
        const response = await fetch(url, { headers: { range: 'bytes=0-1' } });
        await response.arrayBuffer();
        return response.status === 206;
      },
      {
        timeoutMs: 1_000,
        intervalMs: 25,
        description: 'media granted again within a second of unsuspending',
      },
    );
  });

  test('policy alert+reset: exactly one alert, the old URLs die (media 410, feed 410 rotated), the new link arrives by mail', async () => {
    const c = await creator('alert+reset');
    const oldFeed = `${env.edgeUrl}/f/${c.token}/${c.show.id}.xml`;
    const before = await fetch(oldFeed);
    assert.equal(before.status, 200, await before.text());

    await publishRecords(
      sharedFeedRecords({ tenantId: c.tenantId, subscriberId: c.subscriber.id }, c.episode.episodeId),
    );
    const [alert] = await waitFor(
      async () => {
        const alerts = await alertsOf(c.apiKey);
        return alerts[0]?.actions[0]?.state === 'done' && alerts;
      },
      { timeoutMs: 20_000, description: 'the reset carried out' },
    );
    assert.equal((await alertsOf(c.apiKey)).length, 1, 'exactly one alert');
    assert.equal(alert!.status, 'resolved');

    // The old token is dead within a second: its enclosure URLs and the feed itself answer 410 Gone
    // (podcast apps stop polling), the feed with the reason "rotated" (auth's deny status via nginx).
    const oldMedia = mediaUrl(world, c.token, c.episode);
    await waitFor(
      async () => {
        const [media, feed] = await Promise.all([
          fetch(oldMedia, { headers: { range: 'bytes=0-1' } }),
          fetch(oldFeed),
        ]);
        await Promise.all([media.arrayBuffer(), feed.arrayBuffer()]);
        return (
          media.status === 410 &&
          feed.status === 410 &&
          feed.headers.get('x-gatehouse-deny-reason') === 'rotated'
        );
      },
      { timeoutMs: 1_000, intervalMs: 25, description: 'old media URL 410, old feed URL 410 rotated' },
    );
    const mail = await smtp.waitFor(c.subscriber.email, 5_000);
    const newFeed = /(https?:\/\/\S+\/f\/[A-Za-z0-9_-]+\/[0-9a-f-]{36}\.xml)/.exec(mail.text ?? '')?.[1];
    assert.ok(newFeed, mail.text);
    assert.notEqual(newFeed, oldFeed);
    const fresh = await fetch(newFeed);
    assert.equal(fresh.status, 200, await fresh.text());
  });
});
