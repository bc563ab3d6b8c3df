import { createBillingRotationClient, createSmtpMailer } from '@gatehouse/clients';
import type { PrismaClient } from '@gatehouse/db';
import type { Logger } from '@gatehouse/logging';
import { createOutboxRelay } from '@gatehouse/outbox';
import { parseKeyring } from '@gatehouse/tokens';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createResetExecutor } from '../domain/sharing/reset-executor.ts';
import type { AppOf } from '../domain/sharing/sharing-observation.ts';
import { createSharingService, type SharingService } from '../domain/sharing/sharing-service.ts';
import { ensureEdgeStream } from '../shipper/edge-stream.ts';
import { createSharingRepository } from './sharing.repository.ts';
import { createSharingBatchRepository } from './sharing-batch.repository.ts';
import { createSharingConsumer } from './sharing-consumer.ts';
import { createSharingResetsRepository } from './sharing-resets.repository.ts';

export interface SharingWiringConfig {
  SHARING_CONSUMER: string;
  SHARING_BATCH_SIZE: number;
  BILLING_URL: string;
  INTERNAL_API_TOKEN: string;
  SMTP_URL: string;
  MAIL_FROM: string;
  TOKEN_KEYS: string;
  TOKEN_ACTIVE_KID: string;
  PUBLIC_BASE_URL: string;
}

/** How often due resets are looked for without a wake-up (retries, another replica's lease ran out). */
const RESET_SWEEP_MS = 2_000;

/**
 * Sharing detection's moving parts, started by main.ts: the durable consumer on GH_EDGE, the reset
 * executor (billing rotation + listener mail) and an outbox relay for suspension snapshots (woken
 * right after each commit, so the auth projector applies a suspension within a second).
 */
export async function startSharing(deps: {
  prisma: PrismaClient;
  nats: NatsConnection;
  logger: Logger;
  config: SharingWiringConfig;
  appOf: AppOf;
  /** Stream to read (tests use their own); GH_EDGE by default, created if missing. */
  stream?: string;
  subject?: string;
}): Promise<{ service: SharingService; stop(): Promise<void> }> {
  const { prisma, nats, logger, config } = deps;
  const js = jetstream(nats);
  const jsm = await jetstreamManager(nats);
  const stream = deps.stream ?? 'GH_EDGE';
  if (!deps.stream) await ensureEdgeStream(jsm);

  const relay = createOutboxRelay({ prisma, js, logger, status: nats.status() });
  relay.start();

  const mailer = createSmtpMailer(config.SMTP_URL, config.MAIL_FROM);
  const executor = createResetExecutor({
    store: createSharingResetsRepository(prisma, {
      keyring: parseKeyring(config.TOKEN_KEYS, config.TOKEN_ACTIVE_KID),
      baseUrl: config.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    }),
    rotator: createBillingRotationClient(config.BILLING_URL, config.INTERNAL_API_TOKEN, 'creator'),
    mailer,
  });
  let running: Promise<unknown> = Promise.resolve();
  let again = false;
  const runResets = () => {
    // One round at a time; a wake-up during a round runs one more round after it.
    again = true;
    running = running.then(async () => {
      while (again) {
        again = false;
        await executor
          .runOnce()
          .catch((error: unknown) => logger.warn({ err: error }, 'sharing: reset round failed'));
      }
    });
  };
  const sweep = setInterval(runResets, RESET_SWEEP_MS);
  runResets();

  const consumer = createSharingConsumer({
    js,
    jsm,
    stream,
    ...(deps.subject ? { subject: deps.subject } : {}),
    durable: config.SHARING_CONSUMER,
    batches: createSharingBatchRepository(prisma, config.SHARING_CONSUMER),
    appOf: deps.appOf,
    batchSize: config.SHARING_BATCH_SIZE,
    logger,
    onApplied: (result) => {
      if (result.suspensions > 0) relay.notify();
      if (result.resets > 0) runResets();
    },
  });
  await consumer.start();

  const service = createSharingService({
    store: createSharingRepository(prisma),
    resetRequested: runResets,
    accessChanged: () => relay.notify(),
  });
  return {
    service,
    async stop() {
      clearInterval(sweep);
      await consumer.stop();
      await running;
      await relay.stop();
      mailer.close();
    },
  };
}
