/**
 * Seeds the demo through the platform's real APIs and prints the private feed URL and one media URL
 * through the edge (both work with curl and in a podcast app pointed at this machine).
 *
 *   npx node scripts/demo-seed.ts            reuse the demo recorded in .stack/demo.json if it still exists
 *   npx node scripts/demo-seed.ts --fresh    always a new demo creator (tests)
 *
 * Environment: .stack/env + .stack/platform.env (scripts/platform.sh loads both); the four
 * services must run.
 *
 * What goes through which path:
 * - creator: `createTenantWithApiKey` (`@gatehouse/tenant-keys`' admin bootstrap; there is no public sign-up route);
 * - show, episodes, uploads (presigned PUT straight to S3, then complete), publish: media's
 *   creators' API at EDGE_URL/api/v1 with the tenant key;
 * - plan: billing's `POST /billing/v1/plans` (Stripe product/price on stripe-mock). stripe-mock
 *   answers every price creation with the same fixed id and plans.stripe_price_id is unique, so
 *   when another plan already holds that id billing refuses; the plan row is then written to
 *   Postgres directly (no Stripe price; the subscription event names the plan in its metadata) and
 *   the output says so;
 * - subscriber: one Postgres row (subscribers are created by billing from a Checkout; there is no
 *   route for it);
 * - the active subscription: a Stripe-signed `customer.subscription.created` webhook to billing
 *   (the real SDK's generateTestHeaderString with the platform's webhook secret), so billing's apply
 *   path, outbox → NATS → auth's projector → Redis runs as in production; we wait for the record.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redisKeys, type SubscriberAccess } from '@gatehouse/contracts';
import { createPrismaClient } from '@gatehouse/db';
import { createTenantWithApiKey } from '@gatehouse/tenant-keys';
import { issueAccessToken, parseKeyring } from '@gatehouse/tokens';
import { Redis } from 'ioredis';
import Stripe from 'stripe';

const need = (name: string) => {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`demo-seed: ${name} is not set (source .stack/env and .stack/platform.env)\n`);
    process.exit(1);
  }
  return value;
};

/** MPEG-1 Layer III, 128 kbps, 44.1 kHz: 417-byte frames; all-zero side info decodes as silence. */
function silentMp3(seconds: number): Buffer {
  const frames = Math.ceil((seconds * 44_100) / 1152);
  const out = Buffer.alloc(frames * 417);
  for (let i = 0; i < frames; i++) out.set([0xff, 0xfb, 0x90, 0x00], i * 417);
  return out;
}

const FRESH = process.argv.includes('--fresh');
const STATE_FILE = join(import.meta.dirname, '..', '.stack', 'demo.json');
const edge = need('EDGE_URL').replace(/\/+$/, '');
const publicBase = (process.env.PUBLIC_BASE_URL ?? edge).replace(/\/+$/, '');
const keyring = parseKeyring(need('TOKEN_KEYS'), need('TOKEN_ACTIVE_KID'));
const webhookSecret = need('STRIPE_WEBHOOK_SECRETS').split(',')[0]!.trim();
const prisma = createPrismaClient(need('DATABASE_URL'));
const redis = new Redis(need('REDIS_URL'), { maxRetriesPerRequest: 2 });

interface DemoState {
  tenantId: string;
  slug: string;
  apiKey: string;
  showId: string;
  showSlug: string;
  subscriberId: string;
  premiumEpisodeId: string;
  notes: string[];
}

class ApiError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

async function api<T>(apiKey: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${edge}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (!response.ok)
    throw new ApiError(`${method} ${path} answered ${response.status}: ${text}`, response.status);
  return JSON.parse(text) as T;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function createDemo(): Promise<DemoState> {
  const notes: string[] = [];
  const slug = `demo-${randomBytes(3).toString('hex')}`;
  const { tenantId, apiKey } = await createTenantWithApiKey(prisma, {
    slug,
    name: 'Demo Creator',
    keyName: 'demo',
  });

  const show = await api<{ id: string; slug: string }>(apiKey, 'POST', '/api/v1/shows', {
    slug: 'demo-show',
    title: 'The Gatehouse Demo Show',
    description: 'A demo show with generated audio.',
    author: 'Demo Creator',
    ownerEmail: 'creator@example.com',
    imageUrl: 'https://example.com/cover.jpg',
    itunesCategory: 'Technology',
    listPremiumTeasers: true,
  });

  const episodeIds: string[] = [];
  const specs = [
    { title: 'Welcome to the public feed', visibility: 'public', seconds: 5 },
    { title: 'Premium: behind the scenes', visibility: 'premium', seconds: 8 },
    { title: 'Premium: early access', visibility: 'premium', seconds: 6, earlyDays: 7 },
  ] as const;
  for (const [i, spec] of specs.entries()) {
    const episode = await api<{ id: string }>(apiKey, 'POST', `/api/v1/shows/${show.id}/episodes`, {
      title: spec.title,
      description: `<p>${spec.title}</p>`,
      episodeNumber: i + 1,
      seasonNumber: 1,
      visibility: spec.visibility,
      ...('earlyDays' in spec
        ? { earlyAccessUntil: new Date(Date.now() + spec.earlyDays * 86_400_000).toISOString() }
        : {}),
    });
    const audio = silentMp3(spec.seconds);
    const instructions = await api<{
      upload: { id: string };
      kind: 'single' | 'multipart';
      put?: { url: string; headers: Record<string, string> };
    }>(apiKey, 'POST', `/api/v1/episodes/${episode.id}/uploads`, {
      fileName: `episode-${i + 1}.mp3`,
      byteSize: audio.length,
      sha256: createHash('sha256').update(audio).digest('hex'),
      contentType: 'audio/mpeg',
    });
    if (instructions.kind !== 'single' || !instructions.put)
      throw new Error(`expected a single-PUT upload for ${audio.length} bytes, got ${instructions.kind}`);
    // Straight to storage with the presigned URL, as a creator's browser would.
    const put = await fetch(instructions.put.url, {
      method: 'PUT',
      headers: instructions.put.headers,
      body: audio,
    });
    if (!put.ok) throw new Error(`presigned PUT answered ${put.status}: ${await put.text()}`);
    await api(apiKey, 'POST', `/api/v1/uploads/${instructions.upload.id}/complete`, {});
    // Published an hour apart, oldest first, so the feed order is stable.
    await api(apiKey, 'POST', `/api/v1/episodes/${episode.id}/publish`, {
      publishedAt: new Date(Date.now() - (specs.length - i) * 3600_000).toISOString(),
    });
    episodeIds.push(episode.id);
  }

  let planId: string;
  try {
    const plan = await api<{ id: string }>(apiKey, 'POST', '/billing/v1/plans', {
      name: 'Supporter',
      amount: 500,
      currency: 'usd',
      interval: 'month',
      showIds: [show.id],
    });
    planId = plan.id;
    notes.push('plan: created through billing POST /billing/v1/plans (stripe-mock product + price)');
  } catch (error) {
    if (!(error instanceof ApiError) || error.status < 409) throw error;
    // stripe-mock's fixed price id is already taken by another plan (see the header comment).
    const plan = await prisma.plan.create({
      data: {
        tenantId,
        name: 'Supporter',
        amount: 500,
        currency: 'usd',
        interval: 'month',
        grants: { create: [{ showId: show.id }] },
      },
    });
    planId = plan.id;
    notes.push(
      `plan: billing refused (${error.status}; stripe-mock's single price id is taken), written to Postgres directly`,
    );
  }

  const customerId = `cus_demo${randomBytes(6).toString('hex')}`;
  const subscriber = await prisma.subscriber.create({
    data: { tenantId, email: 'listener@example.com', stripeCustomerId: customerId },
  });
  await prisma.accessCredential.create({ data: { tenantId, subscriberId: subscriber.id } });

  const plan = await prisma.plan.findUniqueOrThrow({ where: { id: planId } });
  const now = Math.floor(Date.now() / 1000);
  const subscriptionId = `sub_demo${randomBytes(8).toString('hex')}`;
  const payload = JSON.stringify({
    id: `evt_demo${randomBytes(8).toString('hex')}`,
    object: 'event',
    api_version: '2025-03-31.basil',
    created: now,
    type: 'customer.subscription.created',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: subscriptionId,
        object: 'subscription',
        customer: customerId,
        status: 'active',
        cancel_at_period_end: false,
        canceled_at: null,
        metadata: { tenantId, planId, subscriberId: subscriber.id },
        items: {
          object: 'list',
          data: [
            {
              id: `si_demo${randomBytes(6).toString('hex')}`,
              object: 'subscription_item',
              price: {
                id: plan.stripePriceId ?? `price_demo${randomBytes(6).toString('hex')}`,
                object: 'price',
              },
              current_period_start: now,
              current_period_end: now + 30 * 86_400,
            },
          ],
        },
      },
    },
  });
  const stripe = new Stripe('sk_test_demo');
  const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
  const hook = await fetch(`${edge}/billing/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
  const answer = await hook.text();
  if (!hook.ok || !answer.includes('"processed"'))
    throw new Error(`billing webhook answered ${hook.status}: ${answer}`);
  notes.push(
    'subscription: Stripe-signed customer.subscription.created webhook → billing → outbox → NATS → auth → Redis',
  );

  return {
    tenantId,
    slug,
    apiKey,
    showId: show.id,
    showSlug: show.slug,
    subscriberId: subscriber.id,
    premiumEpisodeId: episodeIds[1]!,
    notes,
  };
}

async function existingDemo(): Promise<DemoState | undefined> {
  if (FRESH || !existsSync(STATE_FILE)) return undefined;
  const state = JSON.parse(readFileSync(STATE_FILE, 'utf8')) as DemoState;
  const found = await prisma.subscriber.findFirst({
    where: { id: state.subscriberId, tenantId: state.tenantId },
    select: { id: true },
  });
  return found ? state : undefined;
}

try {
  let state = await existingDemo();
  const reused = state !== undefined;
  if (!state) {
    state = await createDemo();
    if (!FRESH) writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  }
  const { subscriberId, tenantId, showId } = state;
  let generation: number;
  if (reused) {
    // Redis may have restarted empty since: the edge's auth hop rebuilds the record from Postgres
    // (its cold path) on the first request, so the current generation comes from Postgres here.
    const credential = await prisma.accessCredential.findUnique({ where: { subscriberId } });
    generation = credential?.generation ?? 1;
  } else {
    // A new demo: the record the edge reads must arrive the production way, from billing's event.
    const access = await waitFor(
      'the subscriber record in Redis (billing → NATS → auth projector)',
      async () => {
        const raw = await redis.get(redisKeys.subscriber(subscriberId));
        const record = raw ? (JSON.parse(raw) as SubscriberAccess) : undefined;
        return record && record.plans.length > 0 ? record : undefined;
      },
    );
    generation = access.generation;
  }
  const token = issueAccessToken(keyring, { tenantId, subscriberId, generation });
  const feedUrl = `${publicBase}/f/${token}/${showId}.xml`;
  // The media URL exactly as the feed lists it (the enclosure of the first premium episode).
  const feed = await fetch(feedUrl.replace(publicBase, edge));
  const xml = await feed.text();
  if (!feed.ok) throw new Error(`private feed answered ${feed.status}: ${xml.slice(0, 200)}`);
  const mediaUrl = new RegExp(`url="([^"]*/m/${token}/${state.premiumEpisodeId}/[^"]+)"`).exec(xml)?.[1];
  if (!mediaUrl) throw new Error('the private feed does not list the premium episode');

  console.log(`demo tenant:      ${state.slug} (${reused ? 'existing' : 'new'}; API key: ${state.apiKey})`);
  for (const note of state.notes) console.log(`seeded ${note}`);
  console.log(`public feed:      ${publicBase}/p/${state.slug}/${state.showSlug}.xml`);
  console.log(`private feed:     ${feedUrl}`);
  console.log(`media (premium):  ${mediaUrl.replaceAll('&amp;', '&')}`);
  console.log(`portal sign-in:   ${publicBase}/portal/${state.slug}/sign-in  (listener@example.com)`);
} finally {
  await prisma.$disconnect();
  redis.disconnect();
}
