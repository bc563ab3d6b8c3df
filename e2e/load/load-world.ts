import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createVersionedStore } from '@gatehouse/access-cache';
import { computePlanGrants, computeSubscriberAccess } from '@gatehouse/access-snapshot';
import { redisKeys, type SubscriberAccess } from '@gatehouse/contracts';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { createTenantWithApiKey } from '@gatehouse/tenant-keys';
import { stackEnv, uniqueId } from '@gatehouse/testkit';
import { issueAccessToken, parseKeyring } from '@gatehouse/tokens';
import { Redis } from 'ioredis';
import Stripe from 'stripe';
import { silentMp3 } from '../../services/media/src/domain/media-probe/audio-fixtures.ts';
import { E2E_ACTIVE_KID, E2E_TOKEN_KEYS, E2E_WEBHOOK_SECRET } from '../support/e2e-secrets.ts';
import type { FixtureSubscriber, LoadFixture } from './load-fixture.ts';

/**
 * Builds a load-test world on the local stack through the real platform, as a creator and Stripe
 * would: tenants (admin bootstrap, the only step without a public route), then through the edge
 * the creator API (show, episode, presigned upload, complete, publish) and the billing API
 * (plan → Stripe product/price on stripe-mock), subscriber rows, and signed Stripe webhooks
 * (`customer.subscription.created`, `…deleted` for the revoked ones) to billing, whose outbox
 * publishes to JetStream for the auth projector. If the projector has not written the records
 * within `projectorWaitMs`, they are written from Postgres through `@gatehouse/access-cache`
 * (what the projector would write) and `accessPath` says so.
 */
export interface LoadWorldOptions {
  /** Paying subscribers (expect grant). */
  subscribers: number;
  /** Subscribers whose subscription was deleted (expect deny). */
  revoked: number;
  /** Paying subscribers of another tenant asking for this tenant's episode (expect deny). */
  otherTenant: number;
  episodes: number;
  episodeBytes: number;
  projectorWaitMs: number;
  log?: (line: string) => void;
}

export interface LoadWorld {
  fixture: LoadFixture;
  priceId: string;
  /** Subscriber ids by token (for tests that revoke during a run). */
  subscriberIds: Map<string, string>;
  tenantId: string;
  planId: string;
  apiKey: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function createLoadWorld(options: LoadWorldOptions): Promise<LoadWorld> {
  const env = stackEnv();
  const log = options.log ?? (() => {});
  const edge = env.edgeUrl;
  const prisma = createPrismaClient(env.databaseUrl, { poolSize: 4 });
  const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 2 });
  const stripe = stackStripe();
  const keyring = parseKeyring(E2E_TOKEN_KEYS, E2E_ACTIVE_KID);

  async function api(apiKey: string, method: string, url: string, body?: unknown) {
    const response = await fetch(`${edge}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url} → ${response.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : {};
  }

  const webhook = (type: string, object: unknown, created: number) =>
    sendWebhook(stripe, edge, E2E_WEBHOOK_SECRET, type, object, created);

  const subscription = subscriptionObject;

  async function tenantWithShow(label: string) {
    const tenant = await createTenantWithApiKey(prisma, {
      slug: uniqueId(`load-${label}`),
      name: `Load ${label}`,
    });
    const show = await api(tenant.apiKey, 'POST', '/api/v1/shows', {
      slug: uniqueId('show'),
      title: `Load ${label}`,
    });
    const plan = await api(tenant.apiKey, 'POST', '/billing/v1/plans', {
      name: `Load plan ${label}`,
      description: 'load test tier',
      amount: 500,
      currency: 'usd',
      interval: 'month',
      showIds: [show.id],
      episodeIds: [],
    });
    return {
      ...tenant,
      showId: show.id as string,
      planId: plan.id as string,
      priceId: plan.stripePriceId as string,
    };
  }

  async function subscribe(tenant: { tenantId: string; priceId: string }, kind: FixtureSubscriber['kind']) {
    const { subscriberId, customer, generation } = await createSubscriberRow(prisma, tenant.tenantId);
    const subId = `sub_${randomBytes(10).toString('hex')}`;
    const created = Math.floor(Date.now() / 1000) - 10;
    await webhook(
      'customer.subscription.created',
      subscription(subId, customer, tenant.priceId, subscriberId, 'active'),
      created,
    );
    if (kind === 'revoked') {
      await webhook(
        'customer.subscription.deleted',
        subscription(subId, customer, tenant.priceId, subscriberId, 'canceled'),
        created + 5,
      );
    }
    const token = issueAccessToken(keyring, {
      tenantId: tenant.tenantId,
      subscriberId,
      generation,
    });
    return { subscriberId, token, kind };
  }

  try {
    log('tenants, shows and plans (media + billing APIs through the edge)');
    const main = await tenantWithShow('main');
    const other = await tenantWithShow('other');

    const episodes: LoadFixture['episodes'] = [];
    for (let i = 0; i < options.episodes; i++) {
      const frames = Math.max(10, Math.ceil(options.episodeBytes / 418));
      const mp3 = silentMp3({ frames }).subarray(0, Math.max(options.episodeBytes, 4096));
      const episode = await api(main.apiKey, 'POST', `/api/v1/shows/${main.showId}/episodes`, {
        title: `Release ${i + 1}`,
      });
      const upload = await api(main.apiKey, 'POST', `/api/v1/episodes/${episode.id}/uploads`, {
        fileName: `release-${i + 1}.mp3`,
        byteSize: mp3.length,
        sha256: sha256(mp3),
        contentType: 'audio/mpeg',
      });
      const put = await fetch(upload.put.url, { method: 'PUT', headers: upload.put.headers, body: mp3 });
      if (!put.ok) throw new Error(`upload PUT → ${put.status} ${await put.text()}`);
      const done = await api(main.apiKey, 'POST', `/api/v1/uploads/${upload.upload.id}/complete`, {});
      await api(main.apiKey, 'POST', `/api/v1/episodes/${episode.id}/publish`);
      const asset = await prisma.mediaAsset.findUniqueOrThrow({ where: { id: upload.upload.id } });
      episodes.push({
        episodeId: episode.id,
        fileName: done.fileName,
        byteSize: mp3.length,
        objectKey: asset.objectKey,
      });
    }
    log(`${episodes.length} episode(s) of ${options.episodeBytes} bytes uploaded and published`);

    const plan: { tenant: typeof main; kind: FixtureSubscriber['kind'] }[] = [
      ...Array.from({ length: options.subscribers }, () => ({ tenant: main, kind: 'active' as const })),
      ...Array.from({ length: options.revoked }, () => ({ tenant: main, kind: 'revoked' as const })),
      ...Array.from({ length: options.otherTenant }, () => ({
        tenant: other,
        kind: 'other-tenant' as const,
      })),
    ];
    const made: { subscriberId: string; token: string; kind: FixtureSubscriber['kind'] }[] = [];
    let lastLog = Date.now();
    await pool(plan, 8, async ({ tenant, kind }) => {
      made.push(await subscribe(tenant, kind));
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        log(`${made.length}/${plan.length} subscribers (webhooks accepted by billing)`);
      }
    });
    log(`${made.length} subscribers created, webhooks accepted`);

    // The projector (auth) turns billing's events into Redis records; wait for it to catch up.
    const store = createVersionedStore(redis);
    const expectedVersion = new Map<string, number>();
    for (const m of made) {
      const access = await computeSubscriberAccess(prisma, m.subscriberId);
      if (access) expectedVersion.set(m.subscriberId, access.version);
    }
    const caughtUp = async () => {
      const ids = [...expectedVersion.keys()];
      for (let i = 0; i < ids.length; i += 500) {
        const values = await redis.mget(ids.slice(i, i + 500).map((id) => redisKeys.subscriber(id)));
        for (const [j, value] of values.entries()) {
          const record = value ? (JSON.parse(value) as SubscriberAccess) : undefined;
          if (!record || record.version < expectedVersion.get(ids[i + j]!)!) return false;
        }
      }
      const plans = await redis.mget(redisKeys.plan(main.planId), redisKeys.plan(other.planId));
      return plans.every(Boolean);
    };
    let accessPath = 'billing-projector';
    const deadline = Date.now() + options.projectorWaitMs;
    while (!(await caughtUp())) {
      if (Date.now() > deadline) {
        accessPath = 'access-cache';
        break;
      }
      await sleep(250);
    }
    if (accessPath === 'access-cache') {
      log(
        `projector did not write the records within ${options.projectorWaitMs} ms: writing them from Postgres via @gatehouse/access-cache`,
      );
      for (const planId of [main.planId, other.planId]) {
        const grants = await computePlanGrants(prisma, planId);
        if (grants) await store.putIfNewer(redisKeys.plan(planId), grants);
      }
      for (const id of expectedVersion.keys()) {
        const access = await computeSubscriberAccess(prisma, id);
        if (access) await store.putIfNewer(redisKeys.subscriber(id), access);
      }
    }
    log(`access records in Redis via ${accessPath}`);

    const subscriberIds = new Map(made.map((m) => [m.token, m.subscriberId]));
    const fixture: LoadFixture = {
      edgeUrl: edge,
      createdAt: new Date().toISOString(),
      accessPath,
      sliceBytes: 1024 * 1024,
      episodes,
      showIds: [main.showId],
      subscribers: made.map((m) => ({
        token: m.token,
        kind: m.kind,
        expect: m.kind === 'active' ? 'grant' : 'deny',
      })),
    };
    return {
      fixture,
      subscriberIds,
      tenantId: main.tenantId,
      planId: main.planId,
      priceId: main.priceId,
      apiKey: main.apiKey,
    };
  } finally {
    await prisma.$disconnect();
    redis.disconnect();
  }
}

export function writeFixture(file: string, fixture: LoadFixture) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
}

/**
 * Billing refused the signature: it does not hold the secret the webhook was signed with.
 */
export class WebhookSecretMismatch extends Error {
  constructor(edge: string) {
    super(
      `billing behind ${edge} rejects the webhook signature: it does not hold the e2e harness's ` +
        'STRIPE_WEBHOOK_SECRETS (startPlatform checks reused services; was billing restarted with other ones?)',
    );
    this.name = 'WebhookSecretMismatch';
  }
}

/** A Stripe SDK client on the stack's stripe-mock; it also signs test webhooks like Stripe does. */
export function stackStripe(): Stripe {
  const env = stackEnv();
  return new Stripe(env.stripe.secretKey, {
    host: env.stripe.host,
    port: env.stripe.port,
    protocol: env.stripe.protocol,
  });
}

/**
 * Posts a signed Stripe event to billing through the edge, retrying 5xx/network errors as Stripe
 * does (until `retryForMs` has passed); a 4xx is a setup error. Returns the event id.
 */
export async function sendWebhook(
  stripe: Stripe,
  edge: string,
  secret: string,
  type: string,
  object: unknown,
  created: number,
  retryForMs = 3000,
): Promise<string> {
  const id = `evt_${randomBytes(12).toString('hex')}`;
  const payload = JSON.stringify({
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created,
    livemode: false,
    type,
    data: { object },
  });
  const deadline = Date.now() + retryForMs;
  for (let attempt = 0; ; attempt++) {
    // Signed per attempt: Stripe signs every delivery with a fresh timestamp.
    const signature = stripe.webhooks.generateTestHeaderString({ payload, secret });
    let status = 0;
    let text = '';
    try {
      const response = await fetch(`${edge}/billing/webhooks/stripe`, {
        method: 'POST',
        headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      status = response.status;
      text = await response.text();
      if (response.ok) return id;
    } catch (error) {
      text = (error as Error).message;
    }
    if (status === 400 && /signature/i.test(text)) throw new WebhookSecretMismatch(edge);
    if ((status >= 400 && status < 500) || Date.now() > deadline) {
      throw new Error(`webhook ${type} → ${status || 'network error'} ${text.slice(0, 200)}`);
    }
    await sleep(Math.min(1000, 100 * (attempt + 1)));
  }
}

/** A Stripe subscription object as it appears inside an event (periods on the item). */
export function subscriptionObject(
  id: string,
  customer: string,
  priceId: string,
  subscriberId: string,
  status: string,
) {
  const now = Math.floor(Date.now() / 1000);
  return {
    id,
    object: 'subscription',
    customer,
    status,
    cancel_at_period_end: false,
    canceled_at: status === 'canceled' ? now : null,
    metadata: { subscriberId },
    items: {
      object: 'list',
      data: [
        {
          id: `si_${id.slice(4)}`,
          object: 'subscription_item',
          price: { id: priceId, object: 'price' },
          current_period_start: now - 3600,
          current_period_end: now + 30 * 86400,
        },
      ],
    },
  };
}

/**
 * A subscriber row with its Stripe customer and access credential (what checkout creates; the
 * platform has no public route for it). Returns the token generation.
 */
export async function createSubscriberRow(prisma: PrismaClient, tenantId: string) {
  const customer = `cus_${randomBytes(8).toString('hex')}`;
  const subscriber = await prisma.subscriber.create({
    data: {
      tenantId,
      email: `${randomBytes(6).toString('hex')}@load.example.test`,
      stripeCustomerId: customer,
    },
  });
  const credential = await prisma.accessCredential.create({
    data: { tenantId, subscriberId: subscriber.id },
  });
  return { subscriberId: subscriber.id, customer, generation: credential.generation };
}

export type SubscriberRow = Awaited<ReturnType<typeof createSubscriberRow>>;

/** `n` fresh subscribers (rows only, one at a time) whose billing events a fault test sends. */
export async function createSubscriberRows(prisma: PrismaClient, tenantId: string, n: number) {
  const rows: SubscriberRow[] = [];
  for (let i = 0; i < n; i++) rows.push(await createSubscriberRow(prisma, tenantId));
  return rows;
}

/**
 * One signed `customer.subscription.created` per subscriber, all sent at once (while a fault
 * lasts), each retried for up to `retryForMs` as Stripe would (it keeps retrying for days).
 */
export function sendSubscriptionsCreated(
  stripe: Stripe,
  edge: string,
  secret: string,
  priceId: string,
  subs: readonly SubscriberRow[],
  retryForMs: number,
) {
  const created = Math.floor(Date.now() / 1000);
  return Promise.allSettled(
    subs.map((s) =>
      sendWebhook(
        stripe,
        edge,
        secret,
        'customer.subscription.created',
        subscriptionObject(
          `sub_${randomBytes(10).toString('hex')}`,
          s.customer,
          priceId,
          s.subscriberId,
          'active',
        ),
        created,
        retryForMs,
      ),
    ),
  );
}
