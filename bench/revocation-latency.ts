import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPrismaClient } from '@gatehouse/db';
import { stackEnv, waitFor } from '@gatehouse/testkit';
import Stripe from 'stripe';
import {
  createTenant as createEdgeTenant,
  mediaUrl,
  mintToken,
  openWorld,
  publishEpisode,
} from '../e2e/edge/edge-fixtures.ts';
import { E2E_WEBHOOK_SECRET, startPlatform } from '../e2e/support/platform.ts';

/**
 * Revocation latency (issue 4): a subscriber is downloading through the edge; a signed
 * `customer.subscription.deleted` webhook goes to billing through the edge; we measure from the
 * webhook's 2xx to the first media request through the edge that answers 403.
 *
 * Real parts end to end: nginx edge → billing service (Postgres transaction with ledger + outbox) →
 * outbox relay → NATS JetStream → auth projector → Redis + invalidation broadcast → auth service
 * answering nginx's auth hop. Runs `RUNS` (default 100) subscribers, one after the other.
 *
 * Command: `set -a; . .stack/env; set +a; npx node bench/revocation-latency.ts` (stack up; starts auth and billing if not running).
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.RUNS ?? 100);
process.env.RECONCILE_INTERVAL_MS ??= '0';

const env = stackEnv();
const stripe = new Stripe(env.stripe.secretKey);
const platform = await startPlatform(['auth', 'billing'], { timeoutMs: 60_000 });
const prisma = createPrismaClient(env.databaseUrl, { poolSize: 2 });
const world = openWorld();

async function webhook(event: object): Promise<{ status: number; at: number }> {
  const payload = JSON.stringify(event);
  const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: E2E_WEBHOOK_SECRET });
  const response = await fetch(`${env.edgeUrl}/billing/webhooks/stripe`, {
    method: 'POST',
    body: payload,
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
  });
  await response.arrayBuffer();
  return { status: response.status, at: performance.now() };
}

function subscriptionEvent(
  type: string,
  id: string,
  customer: string,
  price: string,
  status: string,
  created: number,
) {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: `evt_${randomBytes(12).toString('hex')}`,
    object: 'event',
    type,
    created,
    data: {
      object: {
        id,
        object: 'subscription',
        customer,
        status,
        cancel_at_period_end: false,
        canceled_at: status === 'canceled' ? created : null,
        metadata: {},
        items: {
          object: 'list',
          data: [
            {
              id: `si_${id}`,
              price: { id: price },
              current_period_start: now - 86_400,
              current_period_end: now + 86_400 * 29,
            },
          ],
        },
      },
    },
  };
}

async function media(url: string): Promise<number> {
  const response = await fetch(url, { headers: { range: 'bytes=0-1' } });
  await response.arrayBuffer();
  return response.status;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

try {
  // Catalog: Postgres rows for billing; the tenant/plan/episode records in Redis as their own
  // events would leave them (plan grants, media write-through), via the e2e fixtures.
  const edgeTenant = await createEdgeTenant(world);
  const tenant = await prisma.tenant.create({
    data: { id: edgeTenant.tenantId, slug: `bench-${randomBytes(5).toString('hex')}`, name: 'bench' },
  });
  const price = `price_${randomBytes(8).toString('hex')}`;
  await prisma.plan.create({
    data: {
      id: edgeTenant.planId,
      tenantId: tenant.id,
      name: 'Bench',
      amount: 500,
      currency: 'usd',
      interval: 'month',
      stripePriceId: price,
    },
  });
  const episode = await publishEpisode(world, edgeTenant, { storage: 'local', size: 256 * 1024 });

  const latencies: number[] = [];
  const webhookMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const customer = `cus_${randomBytes(8).toString('hex')}`;
    const subscriber = await prisma.subscriber.create({
      data: {
        tenantId: tenant.id,
        email: `${randomBytes(6).toString('hex')}@bench.test`,
        stripeCustomerId: customer,
      },
    });
    await prisma.accessCredential.create({ data: { tenantId: tenant.id, subscriberId: subscriber.id } });
    const url = mediaUrl(world, mintToken(tenant.id, subscriber.id, 1), episode);
    const subscriptionId = `sub_${randomBytes(10).toString('hex')}`;
    const created = Math.floor(Date.now() / 1000) - 10;
    const start = await webhook(
      subscriptionEvent('customer.subscription.created', subscriptionId, customer, price, 'active', created),
    );
    if (start.status !== 200) throw new Error(`created webhook answered ${start.status}`);
    await waitFor(async () => (await media(url)) === 206, {
      timeoutMs: 5000,
      intervalMs: 10,
      description: 'download starts',
    });

    // Downloading: range requests back to back, through the edge, while the cancellation arrives.
    let revokedAt: number | undefined;
    let acknowledgedAt: number | undefined;
    let stop = false;
    const downloader = (async () => {
      while (!stop) {
        const status = await media(url);
        if (status === 403 && acknowledgedAt !== undefined) {
          revokedAt = performance.now();
          return;
        }
        if (status !== 206 && status !== 403) throw new Error(`unexpected media status ${status}`);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const sent = performance.now();
    const deleted = await webhook(
      subscriptionEvent(
        'customer.subscription.deleted',
        subscriptionId,
        customer,
        price,
        'canceled',
        created + 5,
      ),
    );
    if (deleted.status !== 200) throw new Error(`deleted webhook answered ${deleted.status}`);
    acknowledgedAt = deleted.at;
    webhookMs.push(deleted.at - sent);
    const timeout = setTimeout(() => {
      stop = true;
    }, 5000);
    await downloader;
    clearTimeout(timeout);
    if (revokedAt === undefined) throw new Error(`run ${run}: still granted 5 s after the webhook`);
    latencies.push(revokedAt - acknowledgedAt);
  }

  const sorted = [...latencies].sort((a, b) => a - b);
  const hooks = [...webhookMs].sort((a, b) => a - b);
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  const result = {
    runs: RUNS,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1)!,
    within1s: sorted.filter((ms) => ms < 1000).length,
    webhookP50: percentile(hooks, 50),
    webhookP99: percentile(hooks, 99),
  };
  console.log(JSON.stringify(result));

  const section = [
    '<!-- revocation:begin -->',
    '## Revocation: cancellation webhook → media denied at the edge',
    '',
    `Command: \`set -a; . .stack/env; set +a; npx node bench/revocation-latency.ts\` (stack up; starts auth and billing if not running), ${new Date().toISOString()},`,
    `${os.cpus().length} cores shared by the client and the measured processes, ${RUNS} runs.`,
    '',
    'Each run: a subscriber downloads an episode through the nginx edge (`/m/…`, `Range: bytes=0-1`, back to back);',
    'a signed `customer.subscription.deleted` webhook goes to billing through the edge; latency is from the',
    "webhook's 2xx to the first edge media answer 403. Path: billing transaction (ledger + state + outbox) → relay",
    '(woken in-process) → JetStream → auth projector → Redis `putIfNewer` → invalidation broadcast → auth answers 403.',
    '',
    '| measure | p50 | p99 | max |',
    '|---|---:|---:|---:|',
    `| webhook 2xx → first 403 at the edge | ${fmt(result.p50)} | ${fmt(result.p99)} | ${fmt(result.max)} |`,
    `| webhook request → 2xx (billing through the edge) | ${fmt(result.webhookP50)} | ${fmt(result.webhookP99)} | ${fmt(hooks.at(-1)!)} |`,
    '',
    `Denied within one second: ${result.within1s}/${RUNS}. Target p99 < 250 ms: ${result.p99 < 250 ? 'met' : 'missed'}.`,
    '<!-- revocation:end -->',
  ].join('\n');
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const current = readFileSync(file, 'utf8');
  const pattern = /<!-- revocation:begin -->[\s\S]*?<!-- revocation:end -->/;
  writeFileSync(
    file,
    pattern.test(current) ? current.replace(pattern, section) : `${current.trimEnd()}\n\n${section}\n`,
  );
} finally {
  await world.close();
  await prisma.$disconnect();
  await platform.stop();
}
