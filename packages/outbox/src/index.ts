export {
  createOutboxRelay,
  defaultBackoffMs,
  type OutboxLogger,
  type OutboxRelay,
  type OutboxRelayOptions,
} from './outbox-relay.ts';
export { enqueueEvent } from './outbox-writer.ts';
export { DUPLICATE_WINDOW_MS, ensureStreams } from './stream-setup.ts';
