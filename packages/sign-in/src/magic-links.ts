import { errors } from '@gatehouse/errors';
import { isSecretShaped, newSecret, sha256Hex } from './secrets.ts';

/** What a consume attempt found: the link's subject, or why there is none. */
export type ConsumeResult<S> = { ok: true; subject: S } | { ok: false; reason: 'unknown' | 'spent' };

/** Where one-time links live (only their sha256 is stored). */
export interface MagicLinkStore<S> {
  create(link: { tokenHash: string; subject: S; expiresAt: Date }): Promise<void>;
  /**
   * Marks the link used if it is unused and unexpired, atomically (two clicks racing cannot both win),
   * and returns its subject; otherwise whether it is unknown or spent (used or expired).
   */
  consume(tokenHash: string, now: Date): Promise<ConsumeResult<S>>;
}

export interface MagicLinkOptions<S> {
  store: MagicLinkStore<S>;
  /** Default lifetime of a link. */
  ttlSeconds: number;
  now?: () => number;
}

/**
 * One-time sign-in links: a secret goes out by mail, its hash is stored with an expiry, and it can be
 * exchanged once. Unknown → 400 `link_invalid`; used or expired → 410 `link_expired`.
 */
export function createMagicLinks<S>(options: MagicLinkOptions<S>) {
  const now = options.now ?? Date.now;
  return {
    /** A new link for `subject`: the token to mail (never stored) and its expiry. */
    async issue(subject: S, ttlSeconds = options.ttlSeconds): Promise<{ token: string; expiresAt: Date }> {
      const token = newSecret();
      const expiresAt = new Date(now() + ttlSeconds * 1000);
      await options.store.create({ tokenHash: sha256Hex(token), subject, expiresAt });
      return { token, expiresAt };
    },

    /** The subject of a valid, unused link (the link is spent by this call), else an AppError. */
    async consume(token: unknown): Promise<S> {
      if (!isSecretShaped(token)) throw errors.linkInvalid();
      const result = await options.store.consume(sha256Hex(token), new Date(now()));
      if (result.ok) return result.subject;
      throw result.reason === 'unknown' ? errors.linkInvalid() : errors.linkExpired();
    },
  };
}

export type MagicLinks<S> = ReturnType<typeof createMagicLinks<S>>;
