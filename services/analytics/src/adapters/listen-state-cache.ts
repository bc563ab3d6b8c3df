import type { ListenState } from '../domain/counting/index.ts';

/**
 * The listens this process last read or wrote, and the cursor they belong to. Every writer of the
 * counts moves the cursor in the same statement (listen-batch.store.ts), so while the stored cursor
 * is still `at`, these states are what Postgres holds and need not be read again. Whoever uses it
 * must check that: a write from `at` that finds the cursor moved means another writer was here, and
 * the cache is cleared. (Retention deletes only days far older than the stream keeps.)
 */
export function createListenStateCache(maxStates: number) {
  let at: number | undefined;
  const states = new Map<string, ListenState>();
  return {
    /** The cursor the cached states belong to; undefined: nothing is known. */
    at: (): number | undefined => at,
    get: (id: string): ListenState | undefined => states.get(id),
    has: (id: string): boolean => states.has(id),
    /** States read from Postgres at `cursor`; anything cached at another cursor is dropped first. */
    read(cursor: number, read: ReadonlyMap<string, ListenState>) {
      if (at !== cursor) states.clear();
      at = cursor;
      for (const [id, state] of read) states.set(id, state);
    },
    /** States this process wrote, moving the cursor to `cursor`. Past `maxStates` it starts empty. */
    wrote(cursor: number, written: ReadonlyMap<string, ListenState>) {
      at = cursor;
      if (states.size + written.size > maxStates) states.clear();
      for (const [id, state] of written) states.set(id, state);
    },
    /** Forget everything (a write refused or failed: Postgres's state is not known any more). */
    clear() {
      at = undefined;
      states.clear();
    },
  };
}

export type ListenStateCache = ReturnType<typeof createListenStateCache>;
