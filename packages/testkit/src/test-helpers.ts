import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A unique, lowercase id safe for bucket prefixes, Redis keys, NATS stream names and
 * Postgres identifiers — tests share one stack and isolate themselves with these.
 */
export function uniqueId(prefix: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(prefix)) {
    throw new Error(`uniqueId: prefix must match [a-z][a-z0-9-]* (got ${JSON.stringify(prefix)})`);
  }
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the timeout error. */
  description?: string;
}

/**
 * Thrown from a `waitFor` condition when waiting longer cannot help (the process it waits for
 * has exited, say): `waitFor` rethrows it at once instead of treating it as "not yet".
 */
export class StopWaiting extends Error {
  override name = 'StopWaiting';
}

/**
 * Calls `fn` until it returns a value other than false/null/undefined, and returns that
 * value. A throw counts as "not yet" (except `StopWaiting`, rethrown at once); on timeout the
 * last throw is the error's cause.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  { timeoutMs = 5000, intervalMs = 50, description = 'condition' }: WaitForOptions = {},
): Promise<Exclude<T, false | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== false && value !== null && value !== undefined) {
        return value as Exclude<T, false | null | undefined>;
      }
    } catch (error) {
      if (error instanceof StopWaiting) throw error;
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`waitFor: ${description} not met within ${timeoutMs}ms`, { cause: lastError });
    }
    await sleep(intervalMs);
  }
}
