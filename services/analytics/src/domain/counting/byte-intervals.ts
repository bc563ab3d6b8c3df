/** Half-open byte interval [start, end). */
export type ByteInterval = readonly [start: number, end: number];

/**
 * Adds one interval to a sorted list of disjoint, non-adjacent intervals and returns the merged
 * list. Idempotent: adding bytes already covered changes nothing, so a record seen twice (a
 * re-published line) cannot move a listener closer to the threshold.
 */
export function addInterval(list: readonly ByteInterval[], next: ByteInterval): ByteInterval[] {
  let [start, end] = next;
  if (end <= start) return [...list];
  const out: ByteInterval[] = [];
  let placed = false;
  for (const [s, e] of list) {
    if (e < start) out.push([s, e]);
    else if (s > end) {
      if (!placed) {
        out.push([start, end]);
        placed = true;
      }
      out.push([s, e]);
    } else {
      start = Math.min(start, s);
      end = Math.max(end, e);
    }
  }
  if (!placed) out.push([start, end]);
  return out;
}

/** Distinct bytes covered by a list from `addInterval`. */
export function coveredBytes(list: readonly ByteInterval[]): number {
  let total = 0;
  for (const [s, e] of list) total += e - s;
  return total;
}
