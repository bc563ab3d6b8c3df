import { randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { generateApiKey } from '@gatehouse/tenant-keys';
import Stripe from 'stripe';
import type { StripeGateway } from '../src/adapters/stripe-gateway.ts';
import { createWebhookVerifier } from '../src/adapters/webhook-verifier.ts';
import { buildApp } from '../src/app.ts';
import type { SubscriptionState } from '../src/domain/stripe-state.ts';

/** Test fixtures for billing: rows in the shared Postgres isolated by fresh ids, signed webhooks. */
export const WEBHOOK_SECRETS = ['whsec_test_current_0123456789', 'whsec_test_previous_0123456789'];
/** The internal credential the billing test app expects on `/internal/…` (INTERNAL_API_TOKEN). */
export const INTERNAL_API_TOKEN = 'billing-test-internal-token-0123456789abcdef';
export const logger = createLogger({ level: 'silent', service: 'billing-test' });

/** A real SDK client (stripe-mock when the stack's STRIPE_API_* are set); also signs test webhooks. */
export function sdk(): Stripe {
  return new Stripe(process.env.STRIPE_SECRET_KEY ?? 'sk_test_123', {
    maxNetworkRetries: 0,
    ...(process.env.STRIPE_API_HOST ? { host: process.env.STRIPE_API_HOST } : {}),
    ...(process.env.STRIPE_API_PORT ? { port: Number(process.env.STRIPE_API_PORT) } : {}),
    ...(process.env.STRIPE_API_PROTOCOL ? { protocol: process.env.STRIPE_API_PROTOCOL as 'http' } : {}),
  });
}

export async function createTenant(
  prisma: PrismaClient,
  options: { stripeAccountId?: string; graceSeconds?: number } = {},
) {
  const slug = `t-${randomBytes(6).toString('hex')}`;
  const tenant = await prisma.tenant.create({
    data: {
      slug,
      name: slug,
      stripeAccountId: options.stripeAccountId ?? null,
      ...(options.graceSeconds === undefined ? {} : { pastDueGraceSeconds: options.graceSeconds }),
    },
  });
  const { key: apiKey, prefix, secretHash } = generateApiKey();
  await prisma.tenantApiKey.create({ data: { tenantId: tenant.id, name: 'test', prefix, secretHash } });
  return { tenant, apiKey };
}

export async function createPlanRow(
  prisma: PrismaClient,
  tenantId: string,
  priceId = `price_${randomBytes(8).toString('hex')}`,
) {
  return prisma.plan.create({
    data: { tenantId, name: 'Plan', amount: 500, currency: 'usd', interval: 'month', stripePriceId: priceId },
  });
}

export async function createSubscriber(
  prisma: PrismaClient,
  tenantId: string,
  customerId = `cus_${randomBytes(8).toString('hex')}`,
) {
  const subscriber = await prisma.subscriber.create({
    data: { tenantId, email: `${randomBytes(6).toString('hex')}@example.test`, stripeCustomerId: customerId },
  });
  await prisma.accessCredential.create({ data: { tenantId, subscriberId: subscriber.id } });
  return subscriber;
}

export { stripeEvent, subscriptionObject } from '@gatehouse/testkit';

/** Signs a payload the way Stripe does, with the real SDK. */
export function signedHeaders(payload: string, options: { secret?: string; timestamp?: number } = {}) {
  const header = sdk().webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? WEBHOOK_SECRETS[0]!,
    ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
  });
  return { 'stripe-signature': header, 'content-type': 'application/json' };
}

/**
 * A recorded-state double of our StripeGateway: it answers re-fetches with the state the test
 * says Stripe holds now. stripe-mock cannot serve this: it is stateless and returns fixtures.
 */
export function recordedStripe(emails = new Map<string, string>()) {
  const subscriptions = new Map<string, SubscriptionState>();
  let retrievals = 0;
  const gateway: StripeGateway = {
    async retrieveSubscription(id) {
      retrievals++;
      const state = subscriptions.get(id);
      if (!state) throw new Error(`recorded Stripe has no subscription ${id}`);
      return structuredClone(state);
    },
    async retrieveCustomerEmail(id) {
      return emails.get(id) ?? null;
    },
    async *listSubscriptions() {
      for (const state of subscriptions.values()) yield structuredClone(state);
    },
    async createProductAndPrice() {
      throw new Error('not recorded');
    },
    async createCheckoutSession() {
      throw new Error('not recorded');
    },
    async createPortalSession() {
      throw new Error('not recorded');
    },
  };
  return {
    gateway,
    subscriptions,
    emails,
    get retrievals() {
      return retrievals;
    },
  };
}

export function billingApp(prisma: PrismaClient, gateway: StripeGateway, onCommitted = () => {}) {
  return buildApp({
    logger,
    readiness: [],
    prisma,
    gateway,
    verifier: createWebhookVerifier(sdk(), WEBHOOK_SECRETS),
    onCommitted,
    publicBaseUrl: 'https://edge.example.test',
    internalApiToken: INTERNAL_API_TOKEN,
  });
}

export const newSubscriptionId = () => `sub_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
