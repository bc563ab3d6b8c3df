import { errors } from '@gatehouse/errors';
import type { AccessSnapshotWriter, OutboxWriter, UnitOfWork } from './transaction.port.ts';

export type RotatedBy = 'subscriber' | 'creator';

export interface RotationInput {
  tenantId: string;
  subscriberId: string;
  rotatedBy: RotatedBy;
}

export interface RotationResult {
  subscriberId: string;
  generation: number;
  version: number;
  rotatedAt: Date;
}

/** What a token rotation writes, inside one transaction. */
export interface TokenRotationRepository extends OutboxWriter, AccessSnapshotWriter {
  subscriberExists(tenantId: string, subscriberId: string): Promise<boolean>;
  /** Moves the subscriber's credential to its next generation (creating it past generation 1). */
  advanceGeneration(input: RotationInput & { rotatedAt: Date }): Promise<void>;
}

export type TokenRotationStore = UnitOfWork<TokenRotationRepository>;

/**
 * Resets a subscriber's feed token: the generation and the access version move in one
 * transaction with the `gh.access.token.rotated.v1` outbox row, so the new snapshot (carrying the
 * new generation) reaches the validity cache and every URL with the old generation answers 410.
 */
export function rotateAccessToken(store: TokenRotationStore, input: RotationInput): Promise<RotationResult> {
  return store.withTransaction(async (repo) => {
    if (!(await repo.subscriberExists(input.tenantId, input.subscriberId)))
      throw errors.notFound('subscriber');
    const rotatedAt = new Date();
    await repo.advanceGeneration({ ...input, rotatedAt });
    const access = await repo.bumpSubscriberAccess(input.subscriberId);
    await repo.enqueue('gh.access.token.rotated.v1', {
      eventId: `rotated:${input.subscriberId}:${access.version}`,
      occurredAt: rotatedAt.toISOString(),
      access,
      rotatedBy: input.rotatedBy,
    });
    return {
      subscriberId: input.subscriberId,
      generation: access.generation,
      version: access.version,
      rotatedAt,
    };
  });
}
