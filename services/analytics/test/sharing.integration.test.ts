import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { connectNats } from '@gatehouse/clients';
import type { EdgeRequestRecord } from '@gatehouse/contracts';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { createApiKeyVerifier, createPrismaApiKeyRepository } from '@gatehouse/tenant-keys';
import { closedPort, stackEnv, waitFor } from '@gatehouse/testkit';
import { parseKeyring, verifyAccessToken } from '@gatehouse/tokens';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { billingApp, INTERNAL_API_TOKEN, recordedStripe } from '../../billing/test/billing-fixtures.ts';
import { startSmtpCapture } from '../../feeds/test/support/smtp-capture.ts';
import { createDownloadStatsRepository } from '../src/adapters/download-stats.repository.ts';
import { createSharingBatchRepository } from '../src/adapters/sharing-batch.repository.ts';
import { createSharingConsumer } from '../src/adapters/sharing-consumer.ts';
import { startSharing } from '../src/adapters/sharing-wiring.ts';
import { buildApp } from '../src/app.ts';
import { observationsOf } from '../src/domain/sharing/sharing-detection.ts';
import { appOf } from '../src/domain/user-agents.ts';
import {
  oneListenerRecords,
  payingSubscriber,
  sharedFeedRecords,
  sharingTenant,
} from './sharing-fixtures.ts';

/**
 * Sharing detection against the real parts: records published to a JetStream stream of the test's
 * own, the durable sharing consumer, Postgres, billing's real rotation route, a real SMTP server.
 */
const env = stackEnv();
const run = randomBytes(4).toString('hex');
const stream = `SHARING_TEST_${run}`;
const subject = `ghtest.sharing.${run}.request.v1`;
const consumerName = `sharing-test-${run}`;
const tokenSecret = randomBytes(32).toString('base64url');
const keyring = parseKeyring(`k1:${tokenSecret}`, 'k1');
const logger = createLogger({
  level: process.env.TEST_LOG_LEVEL === 'warn' ? 'warn' : 'silent',
  service: 'sharing-test',
});

let prisma: PrismaClient;
let nats: NatsConnection;
let smtpUrl: string;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
let billing: ReturnType<typeof billingApp>;
let sharing: Awaited<ReturnType<typeof startSharing>>;
let app: ReturnType<typeof buildApp>;
let lastSeq = 0;

/** Publishes records in order and waits until the sharing consumer has committed past the last one. */
async function publish(records: readonly EdgeRequestRecord[]) {
  const js = jetstream(nats);
  for (const record of records) {
    const ack = await js.publish(subject, JSON.stringify(record), { msgID: record.id });
    lastSeq = ack.seq;
  }
  await waitFor(
    async () => {
      const cursor = await prisma.analyticsCursor.findUnique({ where: { consumer: consumerName } });
      return (cursor?.streamSeq ?? 0n) >= BigInt(lastSeq);
    },
    {
      timeoutMs: 10_000,
      description: `sharing consumer at seq ${lastSeq} (cursor ${(await prisma.analyticsCursor.findUnique({ where: { consumer: consumerName } }))?.streamSeq})`,
    },
  );
}

const api = (apiKey: string) => ({
  get: (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${apiKey}` } }),
  post: (url: string, payload?: object) =>
    app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${apiKey}` },
      ...(payload ? { payload } : {}),
    }),
  put: (url: string, payload: unknown) =>
    app.inject({
      method: 'PUT',
      url,
      headers: { authorization: `Bearer ${apiKey}` },
      payload: payload as object,
    }),
});
const base = '/api/v1/analytics/sharing';

before(async () => {
  prisma = createPrismaClient(env.databaseUrl);
  nats = await connectNats(env.natsUrl, 'sharing-test');
  const jsm = await jetstreamManager(nats);
  await jsm.streams.add({ name: stream, subjects: [subject] });
  smtpUrl = `smtp://127.0.0.1:${await closedPort()}`;
  smtp = await startSmtpCapture(smtpUrl);
  billing = billingApp(prisma, recordedStripe().gateway);
  const billingUrl = await billing.listen({ host: '127.0.0.1', port: 0 });
  sharing = await startSharing({
    prisma,
    nats,
    logger,
    appOf,
    stream,
    subject,
    config: {
      SHARING_CONSUMER: consumerName,
      SHARING_BATCH_SIZE: 50,
      BILLING_URL: billingUrl,
      INTERNAL_API_TOKEN,
      SMTP_URL: smtpUrl,
      MAIL_FROM: 'Gatehouse <no-reply@gatehouse.test>',
      TOKEN_KEYS: `k1:${tokenSecret}`,
      TOKEN_ACTIVE_KID: 'k1',
      PUBLIC_BASE_URL: 'https://edge.example.test',
    },
  });
  app = buildApp({
    logger,
    readiness: [],
    apiKeys: createApiKeyVerifier(createPrismaApiKeyRepository(prisma)),
    downloads: createDownloadStatsRepository(prisma),
    sharing: sharing.service,
  });
});

after(async () => {
  await sharing?.stop();
  await app?.close();
  await billing?.close();
  await smtp?.close();
  const jsm = await jetstreamManager(nats);
  await jsm.streams.delete(stream).catch(() => {});
  await nats?.drain();
  await prisma?.$disconnect();
});

describe('sharing detection through JetStream and Postgres', () => {
  test('a shared feed raises exactly one alert with why; one listener on many networks raises none', async () => {
    const tenant = await sharingTenant(prisma);
    const listener = await payingSubscriber(prisma, tenant);
    const sharer = await payingSubscriber(prisma, tenant);
    const episodeId = '0190a1b2-0000-7000-8000-00000000e001';
    const who = (s: { id: string }) => ({ tenantId: tenant.tenantId, subscriberId: s.id });
    const records = [
      ...oneListenerRecords(who(listener), episodeId),
      ...sharedFeedRecords(who(sharer), episodeId),
    ];
    await publish(records);

    const list = await api(tenant.apiKey).get(`${base}/alerts`);
    assert.equal(list.statusCode, 200, list.body);
    const { alerts } = list.json();
    assert.equal(alerts.length, 1);
    const [alert] = alerts;
    assert.equal(alert.subscriberId, sharer.id);
    assert.equal(alert.status, 'open');
    assert.ok(alert.reasons.includes('networks_and_apps'));
    assert.equal(alert.counts.networks, 8);
    assert.ok(alert.counts.apps >= 5);
    assert.equal(alert.networks.length, alert.counts.networks);
    assert.ok(alert.networks.every((n: { network: string }) => n.network.startsWith('198.51.')));
    assert.ok(alert.firstSeen < alert.lastSeen);
    assert.deepEqual(alert.actions, []);

    // Redelivery of the whole batch after the commit: at or below the cursor, nothing happens.
    const batches = createSharingBatchRepository(prisma, consumerName);
    const again = await batches.apply(
      observationsOf(records, appOf).map((o) => ({ ...o, seq: 1n })),
      BigInt(lastSeq),
    );
    assert.equal(again.applied, false);

    // Replay from the start (a new cursor, windows forgotten): the same alert id, nothing new.
    await prisma.sharingWindow.deleteMany({ where: { tenantId: tenant.tenantId } });
    const replay = createSharingBatchRepository(prisma, `${consumerName}-replay`);
    const result = await replay.apply(
      observationsOf(records, appOf).map((o, i) => ({ ...o, seq: BigInt(i + 1) })),
      BigInt(records.length),
    );
    assert.equal(result.applied, true);
    assert.deepEqual(
      result.alerts.map((a) => a.alertId),
      [alert.id],
      'the replay derives the same alert',
    );
    assert.equal(await prisma.sharingAlert.count({ where: { tenantId: tenant.tenantId } }), 1);
    await prisma.analyticsCursor.delete({ where: { consumer: `${consumerName}-replay` } });

    // The API around it: another tenant's ids are 404, bad ids 400, no key 401, dismiss once.
    const other = await sharingTenant(prisma);
    assert.equal((await api(other.apiKey).get(`${base}/alerts/${alert.id}`)).statusCode, 404);
    assert.equal((await api(other.apiKey).post(`${base}/alerts/${alert.id}/dismiss`)).statusCode, 404);
    assert.equal((await api(other.apiKey).post(`${base}/alerts/${alert.id}/suspend`)).statusCode, 404);
    assert.equal(
      (await api(other.apiKey).post(`${base}/subscribers/${sharer.id}/unsuspend`)).statusCode,
      404,
    );
    assert.equal((await api(tenant.apiKey).get(`${base}/alerts/not-a-uuid`)).statusCode, 400);
    assert.equal((await app.inject({ method: 'GET', url: `${base}/alerts` })).statusCode, 401);
    const dismissed = await api(tenant.apiKey).post(`${base}/alerts/${alert.id}/dismiss`);
    assert.equal(dismissed.statusCode, 200, dismissed.body);
    assert.equal(dismissed.json().status, 'dismissed');
    assert.equal((await api(tenant.apiKey).post(`${base}/alerts/${alert.id}/dismiss`)).statusCode, 409);
    const window = await prisma.sharingWindow.findUniqueOrThrow({ where: { subscriberId: sharer.id } });
    assert.deepEqual(
      (window.state as { networks: unknown[] }).networks,
      [],
      'the dismissed pattern is forgotten',
    );
    assert.equal((await api(tenant.apiKey).get(`${base}/alerts?status=open`)).json().alerts.length, 0);
  });

  test('settings: defaults, validated PUT (400, nothing written), read back', async () => {
    const tenant = await sharingTenant(prisma);
    const client = api(tenant.apiKey);
    const defaults = (await client.get(`${base}/settings`)).json();
    assert.deepEqual(defaults, {
      windowHours: 24,
      minNetworks: 8,
      minApps: 5,
      maxEpisodeDownloads: 12,
      growthPercent: 100,
      policy: 'alert',
    });
    for (const bad of [
      { ...defaults, minApps: 0 },
      { ...defaults, policy: 'ban' },
      { ...defaults, extra: 1 },
      { ...defaults, windowHours: 1000 },
      { minNetworks: 4 },
    ]) {
      const response = await client.put(`${base}/settings`, bad);
      assert.equal(response.statusCode, 400, JSON.stringify(bad));
    }
    assert.equal(await prisma.sharingSettings.count({ where: { tenantId: tenant.tenantId } }), 0);
    const wanted = { ...defaults, minNetworks: 10, policy: 'alert+reset' };
    const saved = await client.put(`${base}/settings`, wanted);
    assert.equal(saved.statusCode, 200, saved.body);
    assert.deepEqual((await client.get(`${base}/settings`)).json(), wanted);
  });

  test('policy suspend: the subscriber is suspended with an outbox snapshot granting nothing; unsuspend restores', async () => {
    const tenant = await sharingTenant(prisma);
    const client = api(tenant.apiKey);
    const settings = (await client.get(`${base}/settings`)).json();
    assert.equal((await client.put(`${base}/settings`, { ...settings, policy: 'suspend' })).statusCode, 200);
    const sharer = await payingSubscriber(prisma, tenant);
    await publish(
      sharedFeedRecords(
        { tenantId: tenant.tenantId, subscriberId: sharer.id },
        '0190a1b2-0000-7000-8000-00000000e002',
      ),
    );

    const [alert] = (await client.get(`${base}/alerts`)).json().alerts;
    assert.equal(alert.status, 'resolved');
    assert.deepEqual(
      alert.actions.map((a: { kind: string; state: string; requestedBy: string }) => [
        a.kind,
        a.state,
        a.requestedBy,
      ]),
      [['suspend', 'done', 'policy']],
    );
    const row = await prisma.subscriber.findUniqueOrThrow({ where: { id: sharer.id } });
    assert.ok(row.suspendedAt);
    const events = () =>
      prisma.outboxMessage.findMany({
        where: {
          subject: 'gh.access.subscriber.changed.v1',
          payload: { path: ['access', 'subscriberId'], equals: sharer.id },
        },
        orderBy: { createdAt: 'asc' },
      });
    const [suspended] = await events();
    assert.deepEqual((suspended!.payload as { access: { plans: unknown[] } }).access.plans, []);
    // The analytics relay publishes it at once (the auth projector takes it from there).
    await waitFor(async () => (await events())[0]?.publishedAt, {
      timeoutMs: 1_000,
      description: 'published',
    });

    const again = await client.post(`${base}/alerts/${alert.id}/suspend`);
    assert.equal(again.statusCode, 409, again.body);
    const lifted = await client.post(`${base}/subscribers/${sharer.id}/unsuspend`);
    assert.equal(lifted.statusCode, 200, lifted.body);
    assert.deepEqual(lifted.json(), { subscriberId: sharer.id, suspended: false });
    assert.equal((await client.post(`${base}/subscribers/${sharer.id}/unsuspend`)).statusCode, 409);
    const [, unsuspended] = await events();
    assert.deepEqual(
      (unsuspended!.payload as { access: { plans: { planId: string }[] } }).access.plans.map((p) => p.planId),
      [tenant.plan.id],
    );
  });

  test('policy alert+reset: one rotation through billing and one mail with the new link, even on replay', async () => {
    const tenant = await sharingTenant(prisma);
    const client = api(tenant.apiKey);
    const settings = (await client.get(`${base}/settings`)).json();
    assert.equal(
      (await client.put(`${base}/settings`, { ...settings, policy: 'alert+reset' })).statusCode,
      200,
    );
    const sharer = await payingSubscriber(prisma, tenant);
    const who = { tenantId: tenant.tenantId, subscriberId: sharer.id };
    const records = sharedFeedRecords(who, '0190a1b2-0000-7000-8000-00000000e003');
    await publish(records);

    const alert = await waitFor(
      async () => {
        const [found] = (await client.get(`${base}/alerts`)).json().alerts;
        return found?.actions[0]?.state === 'done' && found;
      },
      { timeoutMs: 10_000, description: 'reset done' },
    );
    assert.equal(alert.status, 'resolved');
    const credential = await prisma.accessCredential.findUniqueOrThrow({
      where: { subscriberId: sharer.id },
    });
    assert.equal(credential.generation, 2);
    assert.equal(credential.rotatedBy, 'creator');
    const mail = await smtp.waitFor(sharer.email);
    const link = /https:\/\/edge\.example\.test\/f\/([A-Za-z0-9_-]+)\/([0-9a-f-]{36})\.xml/.exec(
      mail.text ?? '',
    );
    assert.ok(link, mail.text);
    assert.equal(link[2], tenant.show.id);
    const verified = verifyAccessToken(keyring, link[1]!);
    assert.ok(verified.ok);
    assert.deepEqual(verified.claims, { tenantId: tenant.tenantId, subscriberId: sharer.id, generation: 2 });

    // A creator's second reset of the same alert is refused; a replay rotates nothing again.
    assert.equal((await client.post(`${base}/alerts/${alert.id}/reset`)).statusCode, 409);
    await prisma.sharingWindow.delete({ where: { subscriberId: sharer.id } });
    const replay = createSharingBatchRepository(prisma, `${consumerName}-replay2`);
    await replay.apply(
      observationsOf(records, appOf).map((o, i) => ({ ...o, seq: BigInt(i + 1) })),
      BigInt(records.length),
    );
    await prisma.analyticsCursor.delete({ where: { consumer: `${consumerName}-replay2` } });
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // a full executor sweep
    assert.equal(
      (await prisma.accessCredential.findUniqueOrThrow({ where: { subscriberId: sharer.id } })).generation,
      2,
    );
    assert.equal(smtp.messages.filter((m) => JSON.stringify(m.to).includes(sharer.email)).length, 1);
  });

  test('a batch that fails is retried in place until it commits: every record counts exactly once', async () => {
    const retryStream = `${stream}_RETRY`;
    const retrySubject = `ghtest.sharingretry.${run}.v1`;
    const durable = `${consumerName}-retry`;
    const jsm = await jetstreamManager(nats);
    await jsm.streams.add({ name: retryStream, subjects: [retrySubject] });
    const real = createSharingBatchRepository(prisma, durable);
    let failures = 0;
    const flaky: typeof real = {
      ...real,
      async apply(observations, last) {
        // The first two commits fail, as with Postgres unreachable.
        if (failures < 2) {
          failures += 1;
          throw new Error('injected: Postgres unavailable');
        }
        return real.apply(observations, last);
      },
    };
    const consumer = createSharingConsumer({
      js: jetstream(nats),
      jsm,
      stream: retryStream,
      subject: retrySubject,
      durable,
      batches: flaky,
      appOf,
      batchSize: 500,
      logger,
    });
    await consumer.start();
    try {
      const tenant = await sharingTenant(prisma);
      const sharer = await payingSubscriber(prisma, tenant);
      const records = sharedFeedRecords({ tenantId: tenant.tenantId, subscriberId: sharer.id }, randomUUID());
      let last = 0;
      for (const record of records)
        last = (await jetstream(nats).publish(retrySubject, JSON.stringify(record), { msgID: record.id }))
          .seq;
      await waitFor(async () => (await real.cursor()) >= BigInt(last), {
        timeoutMs: 15_000,
        description: 'the retried batches committed',
      });
      assert.equal(failures, 2);
      assert.equal(await prisma.sharingAlert.count({ where: { tenantId: tenant.tenantId } }), 1);
      const window = await prisma.sharingWindow.findUniqueOrThrow({ where: { subscriberId: sharer.id } });
      const requests = (window.state as { networks: [string, number, number, number][] }).networks.reduce(
        (sum, [, , , count]) => sum + count,
        0,
      );
      assert.equal(requests, records.length, 'each record counted once');
    } finally {
      await consumer.stop();
      await jsm.streams.delete(retryStream).catch(() => {});
      await prisma.analyticsCursor.deleteMany({ where: { consumer: durable } });
    }
  });
});
