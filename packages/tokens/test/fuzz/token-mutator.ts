import {
  issueAccessToken,
  issueDownloadToken,
  type Keyring,
  parseKeyring,
  verifyAccessToken,
  verifyDownloadToken,
} from '../../src/index.ts';

/**
 * A fast, seeded generator of hostile tokens for the codec fuzz test and the one-million run in
 * `bench/load-token-fuzz.ts`. Seeded so a failure is reproducible from the printed seed; cheap
 * (xorshift, no fast-check overhead per case) so a million cases take seconds.
 *
 * Every case is either random garbage or a mutation of a token that the keyring really issued;
 * a case that happens to equal a genuinely issued token is not a forgery and is regenerated.
 */

export type MutationKind =
  | 'random-text'
  | 'random-base64url'
  | 'forged-frame'
  | 'bit-flip'
  | 'byte-substitution'
  | 'truncate'
  | 'extend'
  | 'char-replace'
  | 'char-insert'
  | 'char-delete'
  | 'splice'
  | 'claims-swap'
  | 'kid-swap'
  | 'type-confusion'
  | 'foreign-key'
  | 'non-canonical-tail'
  | 'unicode';

export const MUTATION_KINDS: readonly MutationKind[] = [
  'random-text',
  'random-base64url',
  'forged-frame',
  'bit-flip',
  'byte-substitution',
  'truncate',
  'extend',
  'char-replace',
  'char-insert',
  'char-delete',
  'splice',
  'claims-swap',
  'kid-swap',
  'type-confusion',
  'foreign-key',
  'non-canonical-tail',
  'unicode',
];

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const UUIDS = 8;

/** xorshift128+ reduced to 32-bit outputs: deterministic per seed, fast enough for 10⁶ cases. */
export function prng(seed: number) {
  let a = seed >>> 0 || 0x9e3779b9;
  let b = (seed * 2654435761) >>> 0 || 0x85ebca6b;
  const next = () => {
    let t = a ^ (a << 11);
    a = b;
    t = (t ^ (t >>> 8)) >>> 0;
    b = (b ^ (b >>> 19) ^ t) >>> 0;
    return b;
  };
  return {
    next,
    int: (n: number) => next() % n,
    bytes(n: number) {
      const out = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) out[i] = next() & 0xff;
      return out;
    },
  };
}

function uuidFrom(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export interface TokenFuzzer {
  /** The keyring that verifies (two keys, so kid swaps are tried). */
  keyring: Keyring;
  /** Tokens the keyring really issued: the only strings allowed to verify. */
  issued: ReadonlySet<string>;
  next(): { kind: MutationKind; token: string };
}

export function createTokenFuzzer(seed: number): TokenFuzzer {
  const rand = prng(seed);
  const secretA = rand.bytes(32).toString('base64url');
  const secretB = rand.bytes(32).toString('base64url');
  const keyring = parseKeyring(`k1:${secretA},k2:${secretB}`, 'k1');
  const keyringK2 = parseKeyring(`k1:${secretA},k2:${secretB}`, 'k2');
  // Same kid, another secret: what an attacker running their own Gatehouse would sign with.
  const foreign = parseKeyring(`k1:${rand.bytes(32).toString('base64url')}`, 'k1');

  const ids = Array.from({ length: UUIDS }, () => uuidFrom(rand.bytes(16)));
  const pick = () => ids[rand.int(UUIDS)]!;
  const issued = new Set<string>();
  const seeds: string[] = [];
  for (let i = 0; i < 64; i++) {
    const claims = { tenantId: pick(), subscriberId: pick(), generation: rand.int(5) };
    const ring = i % 2 === 0 ? keyring : keyringK2;
    const token =
      i % 4 === 3
        ? issueDownloadToken(ring, { ...claims, episodeId: pick(), expiresAt: 4_000_000_000 })
        : issueAccessToken(ring, claims);
    issued.add(token);
    seeds.push(token);
  }
  const seedToken = () => seeds[rand.int(seeds.length)]!;
  const seedBytes = () => Buffer.from(seedToken(), 'base64url');

  const mutate: Record<MutationKind, () => string> = {
    'random-text': () => {
      const n = rand.int(120);
      let s = '';
      for (let i = 0; i < n; i++) s += String.fromCharCode(32 + rand.int(95));
      return s;
    },
    'random-base64url': () => {
      const n = rand.int(120);
      let s = '';
      for (let i = 0; i < n; i++) s += B64[rand.int(64)];
      return s;
    },
    // A structurally perfect frame (right type, a real kid, right length) with a guessed MAC:
    // the only case that reaches the HMAC comparison with a chance of 2^-128.
    'forged-frame': () => {
      const type = rand.int(2) === 0 ? 1 : 2;
      const kid = rand.int(2) === 0 ? 'k1' : 'k2';
      const body = rand.bytes(type === 1 ? 36 : 56);
      return Buffer.concat([
        Buffer.from([type, kid.length]),
        Buffer.from(kid),
        body,
        rand.bytes(16),
      ]).toString('base64url');
    },
    'bit-flip': () => {
      const bytes = seedBytes();
      const flips = 1 + rand.int(3);
      for (let i = 0; i < flips; i++) {
        const bit = rand.int(bytes.length * 8);
        bytes[bit >> 3]! ^= 1 << (bit & 7);
      }
      return bytes.toString('base64url');
    },
    'byte-substitution': () => {
      const bytes = seedBytes();
      bytes[rand.int(bytes.length)] = rand.int(256);
      return bytes.toString('base64url');
    },
    truncate: () => {
      const token = seedToken();
      return token.slice(0, rand.int(token.length));
    },
    extend: () => {
      let token = seedToken();
      const n = 1 + rand.int(8);
      for (let i = 0; i < n; i++) token += B64[rand.int(64)];
      return token;
    },
    'char-replace': () => {
      const token = seedToken();
      const at = rand.int(token.length);
      return token.slice(0, at) + B64[rand.int(64)] + token.slice(at + 1);
    },
    'char-insert': () => {
      const token = seedToken();
      const at = rand.int(token.length + 1);
      return token.slice(0, at) + B64[rand.int(64)] + token.slice(at);
    },
    'char-delete': () => {
      const token = seedToken();
      const at = rand.int(token.length);
      return token.slice(0, at) + token.slice(at + 1);
    },
    // Head of one real token, tail of another.
    splice: () => {
      const a = seedToken();
      const b = seedToken();
      const cut = rand.int(Math.min(a.length, b.length));
      return a.slice(0, cut) + b.slice(cut);
    },
    // Another tenant/subscriber/generation under a real token's MAC (privilege escalation).
    'claims-swap': () => {
      const bytes = seedBytes();
      const kidLength = bytes[1]!;
      const bodyStart = 2 + kidLength;
      const field = rand.int(3);
      if (field === 0) Buffer.from(pick().replaceAll('-', ''), 'hex').copy(bytes, bodyStart);
      else if (field === 1) Buffer.from(pick().replaceAll('-', ''), 'hex').copy(bytes, bodyStart + 16);
      else bytes.writeUInt32BE(rand.int(1000), bodyStart + 32);
      return bytes.toString('base64url');
    },
    // The same bytes and MAC claimed under the other key id.
    'kid-swap': () => {
      const bytes = seedBytes();
      bytes[3] = bytes[3] === 0x31 ? 0x32 : 0x31; // 'k1' ⇄ 'k2'
      return bytes.toString('base64url');
    },
    // An access token presented as a download token and the reverse (type byte only).
    'type-confusion': () => {
      const bytes = seedBytes();
      bytes[0] = bytes[0] === 1 ? 2 : 1;
      return bytes.toString('base64url');
    },
    'foreign-key': () =>
      issueAccessToken(foreign, { tenantId: pick(), subscriberId: pick(), generation: rand.int(5) }),
    // A second spelling of a real token: same bytes, different unused trailing bits.
    'non-canonical-tail': () => {
      const token = seedToken();
      const last = B64.indexOf(token.at(-1)!);
      return token.slice(0, -1) + B64[(last & ~0b1111) | (1 + rand.int(15))];
    },
    unicode: () => {
      const token = seedToken();
      const at = rand.int(token.length);
      const chars = ['\u0000', '\u00e9', '\u202e', '\ud800', '\uff21', '%00', '%2F', '../', '\n', ' '];
      return token.slice(0, at) + chars[rand.int(chars.length)] + token.slice(at);
    },
  };

  return {
    keyring,
    issued,
    next() {
      for (;;) {
        const kind = MUTATION_KINDS[rand.int(MUTATION_KINDS.length)]!;
        const token = mutate[kind]();
        if (!issued.has(token)) return { kind, token };
      }
    },
  };
}

export interface FuzzReport {
  cases: number;
  seed: number;
  elapsedMs: number;
  byKind: Record<string, number>;
  /** Forgeries that verified as access or download tokens. Must stay empty. */
  accepted: { kind: MutationKind; token: string; as: 'access' | 'download' }[];
}

/**
 * Runs `cases` hostile tokens through both verifiers. Download tokens are verified at time 0,
 * so only the signature decides (expiry cannot hide an accepted forgery).
 */
export function runTokenFuzz(cases: number, seed: number): FuzzReport {
  const fuzzer = createTokenFuzzer(seed);
  const byKind: Record<string, number> = {};
  const accepted: FuzzReport['accepted'] = [];
  const started = performance.now();
  for (let i = 0; i < cases; i++) {
    const { kind, token } = fuzzer.next();
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    if (verifyAccessToken(fuzzer.keyring, token).ok) accepted.push({ kind, token, as: 'access' });
    if (verifyDownloadToken(fuzzer.keyring, token, 0).ok) accepted.push({ kind, token, as: 'download' });
  }
  return { cases, seed, elapsedMs: performance.now() - started, byKind, accepted };
}
