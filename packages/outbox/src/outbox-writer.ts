import { type EnvelopeSubject, type EventPayload, encodeEvent } from '@gatehouse/contracts';
import type { Prisma } from '@gatehouse/db';

/**
 * Writes an event into the outbox inside the caller's transaction: it is published if and only
 * if the change it describes commits. The payload is validated against the subject's schema here,
 * so an invalid event fails the transaction instead of poisoning the stream later.
 * `payload.eventId` becomes the row's `msgId` and, on publish, `Nats-Msg-Id` (JetStream dedupe).
 */
export async function enqueueEvent<S extends EnvelopeSubject>(
  tx: Prisma.TransactionClient,
  subject: S,
  payload: EventPayload<S>,
): Promise<void> {
  encodeEvent(subject, payload);
  await tx.outboxMessage.create({
    data: { subject, msgId: payload.eventId, payload: payload as Prisma.InputJsonValue },
  });
}
