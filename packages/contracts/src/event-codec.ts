import { Compile } from 'typebox/compile';
import { type EventPayload, eventMap, type Subject } from './event-map.ts';

const validators = new Map(Object.entries(eventMap).map(([subject, schema]) => [subject, Compile(schema)]));

export class InvalidEventError extends Error {
  constructor(subject: string, reason: string) {
    super(`invalid ${subject} payload: ${reason}`);
    this.name = 'InvalidEventError';
  }
}

export const isSubject = (subject: string): subject is Subject => validators.has(subject);

/** Validates a payload against its subject's schema before it is published. */
export function encodeEvent<S extends Subject>(subject: S, payload: EventPayload<S>): Uint8Array {
  assertValid(subject, payload);
  return new TextEncoder().encode(JSON.stringify(payload));
}

/** Parses and validates a received payload; throws InvalidEventError (the consumer dead-letters it). */
export function decodeEvent<S extends Subject>(subject: S, data: Uint8Array): EventPayload<S> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(data));
  } catch {
    throw new InvalidEventError(subject, 'not JSON');
  }
  assertValid(subject, parsed);
  return parsed as EventPayload<S>;
}

function assertValid(subject: string, payload: unknown): void {
  const validator = validators.get(subject);
  if (!validator) throw new InvalidEventError(subject, 'unknown subject');
  if (!validator.Check(payload)) {
    const first = [...validator.Errors(payload)][0];
    throw new InvalidEventError(subject, `${first?.instancePath || '/'} ${first?.message ?? 'invalid'}`);
  }
}
