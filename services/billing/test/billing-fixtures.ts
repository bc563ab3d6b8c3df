import { randomBytes, randomUUID } from 'node:crypto';
import type { PrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { generateApiKey } from '@gatehouse/tenant-keys';
import { stackEnv } from '@gatehouse/testkit';
import Stripe from 'stripe';
import {
  createStripeClient,
  createStripeGateway,
  type StripeGateway,
} from '../src/adapters/stripe-gateway.ts';
import { createWebhookVerifier } from '../src/adapters/webhook-verifier.ts';
import { type BillingDeps, buildApp } from '../src/app.ts';
import type { ConnectAccountState } from '../src/domain/stripe.port.ts';
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
  options: {
    stripeAccountId?: string;
    graceSeconds?: number;
    chargesEnabled?: boolean;
    applicationFeeBps?: number;
  } = {},
) {
  const slug = `t-${randomBytes(6).toString('hex')}`;
  const tenant = await prisma.tenant.create({
    data: {
      slug,
      name: slug,
      stripeAccountId: options.stripeAccountId ?? null,
      chargesEnabled: options.chargesEnabled ?? false,
      applicationFeeBps: options.applicationFeeBps ?? 0,
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
  const accounts = new Map<string, ConnectAccountState>();
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
    async updateProduct() {
      throw new Error('not recorded');
    },
    async createPrice() {
      throw new Error('not recorded');
    },
    async deactivatePrice() {
      throw new Error('not recorded');
    },
    async createConnectedAccount() {
      throw new Error('not recorded');
    },
    async createAccountLink() {
      throw new Error('not recorded');
    },
    async retrieveAccount(accountId) {
      retrievals++;
      const state = accounts.get(accountId);
      if (!state) throw new Error(`recorded Stripe has no account ${accountId}`);
      return { ...state };
    },
  };
  return {
    gateway,
    subscriptions,
    accounts,
    emails,
    get retrievals() {
      return retrievals;
    },
  };
}

export const PUBLIC_BASE_URL = 'https://edge.example.test';

export function billingApp(
  prisma: PrismaClient,
  gateway: StripeGateway,
  onCommitted = () => {},
  options: Pick<BillingDeps, 'publicCheckoutsPerMinute' | 'trustProxy'> = {},
) {
  return buildApp({
    logger,
    readiness: [],
    prisma,
    gateway,
    verifier: createWebhookVerifier(sdk(), WEBHOOK_SECRETS),
    onCommitted,
    publicBaseUrl: PUBLIC_BASE_URL,
    internalApiToken: INTERNAL_API_TOKEN,
    ...options,
  });
}

/** One request billing sent to Stripe (stripe-mock), as it went over the wire. */
export interface StripeRequest {
  method: string;
  path: string;
  /** The form-encoded body, decoded (`subscription_data[trial_period_days]` → '14'). */
  params: URLSearchParams;
  account: string | undefined;
  idempotencyKey: string | undefined;
}

/**
 * The production gateway over the real SDK and stripe-mock, with the SDK's own Node HTTP client
 * wrapped to record every request: stripe-mock answers from fixtures and does not echo every
 * parameter, so tests assert on what billing sent. Nothing about Stripe is faked.
 */
export function recordingGateway() {
  const requests: StripeRequest[] = [];
  const transport = Stripe.createNodeHttpClient();
  const httpClient = Object.assign(Object.create(transport) as typeof transport, {
    makeRequest(...args: Parameters<typeof transport.makeRequest>) {
      const [, , path, method, headers, body] = args;
      const header = (name: string) => (headers as Record<string, string | undefined>)[name];
      requests.push({
        method,
        path,
        params: new URLSearchParams(body),
        account: header('Stripe-Account'),
        idempotencyKey: header('Idempotency-Key'),
      });
      return transport.makeRequest(...args);
    },
  });
  const env = stackEnv();
  const stripe = createStripeClient(
    {
      STRIPE_SECRET_KEY: env.stripe.secretKey,
      STRIPE_API_HOST: env.stripe.host,
      STRIPE_API_PORT: env.stripe.port,
      STRIPE_API_PROTOCOL: env.stripe.protocol,
    },
    httpClient,
  );
  return {
    gateway: createStripeGateway(stripe),
    requests,
    /** Requests to paths starting with `prefix` (e.g. `/v1/checkout/sessions`). */
    to: (method: string, prefix: string) =>
      requests.filter((request) => request.method === method && request.path.startsWith(prefix)),
  };
}

export const newSubscriptionId = () => `sub_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
