import type { EnvelopeSubject, EventPayload, SubscriberAccess } from '@gatehouse/contracts';

/**
 * Ports shared by billing's transactional use cases. The adapter owns the transaction; the domain
 * runs inside `withTransaction`, so every write it makes (state, snapshot bump, outbox rows)
 * commits or rolls back together.
 */
export interface UnitOfWork<Repository> {
  withTransaction<T>(work: (repository: Repository) => Promise<T>): Promise<T>;
}

/** Writes an event into the outbox inside the transaction: published iff the change commits. */
export interface OutboxWriter {
  enqueue<S extends EnvelopeSubject>(subject: S, payload: EventPayload<S>): Promise<void>;
}

/** Moves a subscriber's access version and returns the new snapshot (carried by the events). */
export interface AccessSnapshotWriter {
  bumpSubscriberAccess(subscriberId: string): Promise<SubscriberAccess>;
}
