import { AppError } from '@gatehouse/errors';
import { resetMail } from './reset-mail.ts';

/** A feed-URL reset still to carry out (state `pending`: not rotated yet; `rotated`: mail not sent). */
export interface DueReset {
  alertId: string;
  tenantId: string;
  subscriberId: string;
  state: 'pending' | 'rotated';
  fromGeneration: number | null;
  generation: number | null;
  attempts: number;
}

export interface ResetRecipient {
  email: string;
  tenantName: string;
  feeds: { title: string; url: string }[];
  portalUrl: string;
}

export interface ResetStore {
  /** Due resets, each leased to this caller for a while (another replica skips it meanwhile). */
  claimDue(limit: number): Promise<DueReset[]>;
  /** The subscriber's feed-token generation now (1 before any rotation). */
  currentGeneration(subscriberId: string): Promise<number>;
  recordFromGeneration(alertId: string, generation: number): Promise<void>;
  markRotated(alertId: string, generation: number): Promise<void>;
  /** Who gets the mail and the new links (tokens of `generation`); undefined if the subscriber is gone. */
  recipient(subscriberId: string, generation: number): Promise<ResetRecipient | undefined>;
  /** The action is done and its alert resolved (the window forgets it), in one transaction. */
  complete(alertId: string): Promise<void>;
  retryLater(alertId: string, attempts: number, error: string): Promise<void>;
  fail(alertId: string, attempts: number, error: string): Promise<void>;
}

/** Billing's feed-token rotation (`/internal/v1/subscribers/:id/token-rotations`): the new generation. */
export interface FeedTokenRotator {
  rotate(tenantId: string, subscriberId: string): Promise<number>;
}

export interface ResetMailer {
  send(mail: { to: string; subject: string; text: string; html: string }): Promise<void>;
}

/** Attempts before a reset is given up as `failed` (shown on the alert with the last error). */
export const MAX_RESET_ATTEMPTS = 8;

/**
 * Carries out recorded resets, at most once per alert whatever crashes or replicas do. Before the
 * first rotation the current generation is recorded; a generation above it later means the rotation
 * already happened (a crash between billing's answer and our write), so it is never repeated. The
 * e-mail follows the rotation; it can at worst be sent twice (a crash between sending and `complete`),
 * never be skipped.
 */
export function createResetExecutor(deps: {
  store: ResetStore;
  rotator: FeedTokenRotator;
  mailer: ResetMailer;
}) {
  const { store, rotator, mailer } = deps;

  async function carryOut(reset: DueReset): Promise<void> {
    let generation = reset.generation;
    if (reset.state === 'pending' || generation === null) {
      const current = await store.currentGeneration(reset.subscriberId);
      let from = reset.fromGeneration;
      if (from === null) {
        await store.recordFromGeneration(reset.alertId, current);
        from = current;
      }
      generation = current > from ? current : await rotator.rotate(reset.tenantId, reset.subscriberId);
      await store.markRotated(reset.alertId, generation);
    }
    const recipient = await store.recipient(reset.subscriberId, generation);
    if (recipient) await mailer.send({ to: recipient.email, ...resetMail(recipient) });
    await store.complete(reset.alertId);
  }

  return {
    /** One round over due resets; returns how many completed. */
    async runOnce(limit = 20): Promise<number> {
      let completed = 0;
      for (const reset of await store.claimDue(limit)) {
        try {
          await carryOut(reset);
          completed += 1;
        } catch (error) {
          const attempts = reset.attempts + 1;
          const message = error instanceof Error ? error.message : String(error);
          // A subscriber that no longer exists cannot be reset: retrying changes nothing.
          const permanent = error instanceof AppError && error.status === 404;
          if (permanent || attempts >= MAX_RESET_ATTEMPTS) await store.fail(reset.alertId, attempts, message);
          else await store.retryLater(reset.alertId, attempts, message);
        }
      }
      return completed;
    },
  };
}

export type ResetExecutor = ReturnType<typeof createResetExecutor>;
