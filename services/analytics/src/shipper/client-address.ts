import { isIPv4, isIPv6 } from 'node:net';

/**
 * What the records keep of a client address: the text that is hashed and the network prefix kept
 * in clear for sharing checks. IPv6 is reduced to its /64 before hashing (one household's
 * addresses share a /64 and rotate inside it), IPv4 is hashed whole and kept as its /24.
 */
export interface ClientAddress {
  hashInput: string;
  network: string;
}

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

export function clientAddress(raw: string): ClientAddress | undefined {
  const mapped = MAPPED_V4.exec(raw);
  const address = mapped ? mapped[1]! : raw;
  if (isIPv4(address)) {
    const [a, b, c] = address.split('.');
    return { hashInput: address, network: `${a}.${b}.${c}.0/24` };
  }
  if (!isIPv6(address)) return undefined;
  const groups = expandV6(address);
  if (!groups) return undefined;
  const network = `${compressV6([...groups.slice(0, 4), 0, 0, 0, 0])}/64`;
  return { hashInput: network, network };
}

/** Eight 16-bit groups of an IPv6 address (zone ids and embedded IPv4 tails handled). */
function expandV6(address: string): number[] | undefined {
  let text = address.split('%')[0]!.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [, a, b, c, d] = v4.map(Number) as [number, number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const left = part(head);
  const right = part(tail);
  const groups =
    tail === undefined ? left : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
function compressV6(groups: number[]): string {
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}
