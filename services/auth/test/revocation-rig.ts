import { randomBytes, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { createVersionedStore, type VersionedStore } from '@gatehouse/access-cache';
import { computeSubscriberAccess } from '@gatehouse/access-snapshot';
import { type EpisodePolicy, type PlanGrants, redisKeys, type SubscriberAccess } from '@gatehouse/contracts';
import { createPrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { createOutboxRelay, ensureStreams, type OutboxRelay } from '@gatehouse/outbox';
import { stripeEvent, subscriptionObject } from '@gatehouse/testkit';
import { issueAccessToken, parseKeyring } from '@gatehouse/tokens';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import {
  createStripeClient,
  createStripeGateway,
  type StripeGateway,
} from '../../billing/src/adapters/stripe-gateway.ts';
import { createWebhookVerifier } from '../../billing/src/adapters/webhook-verifier.ts';
import { buildApp as buildBillingApp } from '../../billing/src/app.ts';
import type { SubscriptionState } from '../../billing/src/domain/stripe-state.ts';
import { buildApp as buildAuthApp } from '../src/app.ts';
import { createSubscriberColdLoader, StaleGraceSource } from '../src/cold-path/index.ts';
import {
  type AccessProjector,
  type ConnectionGuard,
  createAccessProjector,
  guardConnections,
  listenForInvalidations,
} from '../src/projector/index.ts';

/**
 * The whole revocation path in one process, on real parts: billing app (webhook → Postgres
 * transaction with ledger + outbox) → outbox relay → JetStream → auth projector(s) → Redis +
 * invalidation broadcast → auth app replica(s) answering `/edge/media`. Used by the pipeline
 * tests and by bench/revocation-latency.ts.
 */
export const WEBHOOK_SECRET = 'whsec_rig_0123456789abcdef';
const logger = createLogger({ level: process.env.RIG_LOG_LEVEL ?? 'silent', service: 'revocation-rig' });

export interface RigOptions {
  databaseUrl: string;
  natsUrl: string;
  redisUrl: string;
  replicas?: number;
  /** Unique per rig on a shared NATS; tests with a private NATS may keep the production name. */
  durableName?: string;
  /** Max age of cached subscriber records in the auth apps (long: only invalidations can revoke). */
  subscriberMaxAgeMs?: number;
  staleGraceMs?: number;
  degradedMaxAgeMs?: number;
  gateway?: StripeGateway;
}

export interface AuthReplica {
  app: ReturnType<typeof buildAuthApp>;
  redis: Redis;
  nats: NatsConnection;
  store: VersionedStore;
  projector: AccessProjector;
  stale: StaleGraceSource;
  cold: ReturnType<typeof createSubscriberColdLoader>;
  guard: ConnectionGuard;
  stopListening: () => void;
}

export async function startRig(options: RigOptions) {
  const prisma = createPrismaClient(options.databaseUrl, { poolSize: 8 });
  const natsOptions = {
    servers: options.natsUrl,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
    waitOnFirstConnect: true,
  };
  const billingNats = await connect({ ...natsOptions, name: 'rig-billing' });
  await ensureStreams(await jetstreamManager(billingNats));
  const stripe = createStripeClient({
    STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY ?? 'sk_test_123',
    STRIPE_API_HOST: process.env.STRIPE_API_HOST,
    STRIPE_API_PORT: process.env.STRIPE_API_PORT ? Number(process.env.STRIPE_API_PORT) : undefined,
    STRIPE_API_PROTOCOL: process.env.STRIPE_API_PROTOCOL as 'http' | undefined,
  });
  const relay: OutboxRelay = createOutboxRelay({
    prisma,
    js: jetstream(billingNats),
    sweepIntervalMs: 200,
    publishTimeoutMs: 1000,
    status: billingNats.status(),
  });
  relay.start();
  const billing = buildBillingApp({
    logger,
    readiness: [],
    prisma,
    gateway: options.gateway ?? createStripeGateway(stripe),
    verifier: createWebhookVerifier(stripe, [WEBHOOK_SECRET]),
    onCommitted: () => relay.notify(),
    publicBaseUrl: 'http://127.0.0.1:58080',
    internalApiToken: 'revocation-rig-internal-token-0123456789abcdef',
  });
  await billing.ready();

  const keyring = parseKeyring(`k1:${randomBytes(32).toString('base64url')}`, 'k1');
  const durableName = options.durableName ?? `auth-projector-${randomBytes(4).toString('hex')}`;
  const replicas: AuthReplica[] = [];
  for (let i = 0; i < (options.replicas ?? 1); i++) {
    const redis = new Redis(options.redisUrl, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: () => 100,
    });
    // Connection errors are expected while a test has Redis stopped; the guard reacts to 'close'.
    redis.on('error', () => {});
    await new Promise<void>((resolve) =>
      redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve()),
    );
    const store = createVersionedStore(redis);
    const stale = new StaleGraceSource(store, { graceMs: options.staleGraceMs ?? 0 });
    const cold = createSubscriberColdLoader({ db: prisma, redis, store });
    const app = buildAuthApp({
      logger,
      readiness: [],
      keyring,
      store: stale,
      originIssuer: {
        issue: async () => {
          throw new Error('the rig serves local-driver episodes only');
        },
      },
      coldLoader: cold,
      settings: { subscriberMaxAgeMs: options.subscriberMaxAgeMs ?? 60_000, policyMaxAgeMs: 60_000 },
    });
    await app.ready();
    const nats = await connect({ ...natsOptions, name: `rig-auth-${i}` });
    const projector = createAccessProjector({
      nats,
      js: jetstream(nats),
      jsm: await jetstreamManager(nats),
      store,
      redisReady: () => redis.status === 'ready',
      logger,
      replicaId: `replica-${i}`,
      durableName,
      deliverPolicy: 'new',
      backoffMs: [200, 500, 1000],
      maxDeliver: 4,
    });
    await projector.start();
    const stopListening = listenForInvalidations(nats, [app.accessCache, stale]);
    const guard = guardConnections({
      natsStatus: nats.status(),
      redis,
      onNatsLost: [app.accessCache, stale],
      onRedisLost: [app.accessCache],
      degradedMaxAgeMs: options.degradedMaxAgeMs ?? 250,
    });
    replicas.push({ app, redis, nats, store, projector, stale, cold, guard, stopListening });
  }
  const store = replicas[0]!.store;

  async function deliver(event: object) {
    const payload = JSON.stringify(event);
    const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    return billing.inject({
      method: 'POST',
      url: '/billing/webhooks/stripe',
      payload,
      headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
    });
  }

  /** A tenant with one plan granting one show, a published premium episode in it, in Redis. */
  async function createCatalog() {
    const slug = `rig-${randomBytes(5).toString('hex')}`;
    const tenant = await prisma.tenant.create({ data: { slug, name: slug } });
    const plan = await prisma.plan.create({
      data: {
        tenantId: tenant.id,
        name: 'Rig',
        amount: 500,
        currency: 'usd',
        interval: 'month',
        stripePriceId: `price_${randomBytes(8).toString('hex')}`,
      },
    });
    const showId = randomUUID();
    const episodeId = randomUUID();
    const grants: PlanGrants = {
      tenantId: tenant.id,
      planId: plan.id,
      showIds: [showId],
      episodeIds: [],
      version: 1,
    };
    const episode: EpisodePolicy = {
      tenantId: tenant.id,
      showId,
      episodeId,
      status: 'published',
      visibility: 'premium',
      publicFrom: null,
      publishedAt: Date.now() - 60_000,
      media: {
        storage: 'local',
        objectKey: `t/${tenant.id}/media/${episodeId}/ep.mp3`,
        contentType: 'audio/mpeg',
        byteSize: 1000,
        fileName: 'ep.mp3',
      },
      version: 1,
    };
    // Media and plan records come from their own events in production; written directly here.
    await store.putIfNewer(redisKeys.plan(plan.id), grants);
    await store.putIfNewer(redisKeys.episode(episodeId), episode);
    return { tenant, plan, episodeId };
  }

  async function createSubscriber(tenantId: string) {
    const customerId = `cus_${randomBytes(8).toString('hex')}`;
    const subscriber = await prisma.subscriber.create({
      data: {
        tenantId,
        email: `${randomBytes(6).toString('hex')}@example.test`,
        stripeCustomerId: customerId,
      },
    });
    await prisma.accessCredential.create({ data: { tenantId, subscriberId: subscriber.id } });
    const token = issueAccessToken(keyring, { tenantId, subscriberId: subscriber.id, generation: 1 });
    return { subscriber, customerId, token };
  }

  function subscriptionEvent(type: string, state: SubscriptionState, created: number) {
    return stripeEvent(type, subscriptionObject(state), { created });
  }

  function media(replica: AuthReplica, token: string, episodeId: string) {
    return replica.app.inject({ method: 'GET', url: `/edge/media/${token}/${episodeId}/ep.mp3` });
  }

  /** True once Redis holds exactly what Postgres says for every subscriber. */
  async function redisMatchesDatabase(subscriberIds: readonly string[]): Promise<boolean> {
    const records = await store.getMany<SubscriberAccess>(subscriberIds.map(redisKeys.subscriber));
    for (let i = 0; i < subscriberIds.length; i++) {
      const expected = await computeSubscriberAccess(prisma, subscriberIds[i]!);
      if (!isDeepStrictEqual(records[i], expected)) return false;
    }
    return true;
  }

  /** For a failing test: the first subscriber whose Redis record differs, with its outbox rows. */
  async function describeMismatch(subscriberIds: readonly string[]): Promise<string> {
    for (const id of subscriberIds) {
      const inRedis = await store.get<SubscriberAccess>(redisKeys.subscriber(id));
      const inDb = await computeSubscriberAccess(prisma, id);
      if (isDeepStrictEqual(inRedis, inDb)) continue;
      const rows = await prisma.outboxMessage.findMany({
        where: { msgId: { startsWith: `access:${id}:` } },
        select: { msgId: true, publishedAt: true, attempts: true },
        orderBy: { createdAt: 'asc' },
      });
      return JSON.stringify({ inRedis, inDb, rows });
    }
    return 'no mismatch';
  }

  async function stop() {
    for (const replica of replicas) {
      replica.guard.stop();
      replica.stopListening();
      await replica.projector.stop();
      await replica.app.close();
      await replica.nats.close();
      replica.redis.disconnect();
    }
    await relay.stop();
    await billing.close();
    await billingNats.close();
    await prisma.$disconnect();
  }

  return {
    prisma,
    relay,
    billing,
    replicas,
    store,
    keyring,
    durableName,
    deliver,
    createCatalog,
    createSubscriber,
    subscriptionEvent,
    media,
    redisMatchesDatabase,
    describeMismatch,
    stop,
  };
}

export type Rig = Awaited<ReturnType<typeof startRig>>;

export function activeState(
  customerId: string,
  priceId: string,
  over: Partial<SubscriptionState> = {},
): SubscriptionState {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: `sub_${randomBytes(10).toString('hex')}`,
    customerId,
    status: 'active',
    priceId,
    currentPeriodStart: now - 86_400,
    currentPeriodEnd: now + 29 * 86_400,
    cancelAtPeriodEnd: false,
    canceledAt: null,
    metadata: {},
    ...over,
  };
}
