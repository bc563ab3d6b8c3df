import { decodeEvent, isSubject, type Subject } from '@gatehouse/contracts';
import type { Logger } from '@gatehouse/logging';
import type { NatsConnection } from '@nats-io/transport-node';

type MediaSubject = Extract<Subject, `gh.media.${string}`>;
const isMediaSubject = (subject: string): subject is MediaSubject =>
  isSubject(subject) && subject.startsWith('gh.media.');

/**
 * Drops a show's cached catalog and renders when a media event names it. A plain core-NATS
 * subscription (not a durable consumer): every feeds replica must hear every event, and a missed
 * one is repaired by the catalog cache's stamp check, so nothing has to be replayed.
 */
export function listenForMediaEvents(
  nats: NatsConnection,
  onShowChanged: (showId: string) => void,
  logger: Logger,
): { stop(): void } {
  const subscription = nats.subscribe('gh.media.>');
  (async () => {
    for await (const message of subscription) {
      const subject = message.subject;
      if (!isMediaSubject(subject)) continue;
      try {
        onShowChanged(decodeEvent(subject, message.data).policy.showId);
      } catch (error) {
        logger.warn({ err: error, subject }, 'ignoring an unreadable media event');
      }
    }
  })().catch((error: unknown) => logger.error({ err: error }, 'media event listener stopped'));
  return { stop: () => subscription.unsubscribe() };
}
