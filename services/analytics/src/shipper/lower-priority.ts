import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers this process's CPU priority to `nice`. On Linux the nice value belongs to each thread, so
 * every thread that exists now (main, libuv pool, V8 helpers) is reniced; threads started later
 * inherit it from the thread that starts them. Elsewhere the process priority is set. Lowering
 * needs no privilege; a failure is reported, the shipper runs on at normal priority.
 */
export function lowerPriority(nice: number): { threads: number } {
  if (nice === 0) return { threads: 0 };
  let tids: number[];
  try {
    tids = readdirSync('/proc/self/task').map(Number);
  } catch {
    setPriority(nice);
    return { threads: 1 };
  }
  for (const tid of tids) setPriority(tid, nice);
  return { threads: tids.length };
}
