import { errors } from '@gatehouse/errors';
import { csrfTokenFor, isSafeMethod } from './csrf.ts';
import { isSecretShaped, matchesHash, newSecret, sha256Hex } from './secrets.ts';

/** What every stored session has, whatever else it carries (`D`). */
export interface SessionTimes {
  expiresAt: Date;
  lastSeenAt: Date;
  createdAt: Date;
}

/** Where sessions live: keyed by the sha256 of the cookie, with the sha256 of the CSRF token. */
export interface SessionStore<New, Found> {
  create(session: New & { idHash: string; csrfHash: string; expiresAt: Date; now: Date }): Promise<void>;
  find(idHash: string): Promise<(Found & SessionTimes & { csrfHash: string }) | undefined>;
  /** Slides the expiry forward (sliding renewal). */
  renew(idHash: string, expiresAt: Date, lastSeenAt: Date): Promise<void>;
  delete(idHash: string): Promise<void>;
}

export interface SessionPolicy {
  /** A session unused this long ends. */
  idleTtlSeconds: number;
  /** Renewal writes at most this often per session (a busy dashboard costs no write per request). */
  renewAfterSeconds: number;
  /** No session outlives this, however active (then the user signs in again). */
  maxLifetimeSeconds: number;
}

/** Creators' sessions: two weeks idle, renewed at most hourly, thirty days at most. */
export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleTtlSeconds: 14 * 24 * 3600,
  renewAfterSeconds: 3600,
  maxLifetimeSeconds: 30 * 24 * 3600,
};

/** A live session: its stored data, its CSRF token and how long the cookie should still live. */
export type LiveSession<Found> = Found & {
  idHash: string;
  csrfToken: string;
  expiresAt: Date;
  /** Seconds the cookie should live from now (re-send it when `renewed`). */
  maxAgeSeconds: number;
  renewed: boolean;
};

/**
 * Sessions with an idle expiry that slides forward while used, bounded by a maximum lifetime. The cookie
 * is a secret; only its sha256 and the sha256 of its CSRF token are stored.
 */
export function createSessions<New, Found>(
  store: SessionStore<New, Found>,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  clock: () => number = Date.now,
) {
  const endOf = (createdAt: number, from: number) =>
    Math.min(from + policy.idleTtlSeconds * 1000, createdAt + policy.maxLifetimeSeconds * 1000);

  return {
    /** A new session: the cookie value (never stored), its CSRF token and the cookie's lifetime. */
    async start(data: New): Promise<{ secret: string; csrfToken: string; maxAgeSeconds: number }> {
      const secret = newSecret();
      const csrfToken = csrfTokenFor(secret);
      const now = clock();
      const expiresAt = new Date(endOf(now, now));
      await store.create({
        ...data,
        idHash: sha256Hex(secret),
        csrfHash: sha256Hex(csrfToken),
        expiresAt,
        now: new Date(now),
      });
      return { secret, csrfToken, maxAgeSeconds: policy.idleTtlSeconds };
    },

    /** The live session of a cookie value (renewed when due), or undefined. */
    async resolve(secret: string | undefined): Promise<LiveSession<Found> | undefined> {
      if (!isSecretShaped(secret)) return undefined;
      const idHash = sha256Hex(secret);
      const found = await store.find(idHash);
      const now = clock();
      if (!found || found.expiresAt.getTime() <= now) return undefined;
      let expiresAt = found.expiresAt;
      let renewed = false;
      if (now - found.lastSeenAt.getTime() >= policy.renewAfterSeconds * 1000) {
        const next = endOf(found.createdAt.getTime(), now);
        if (next > expiresAt.getTime()) {
          expiresAt = new Date(next);
          renewed = true;
        }
        await store.renew(idHash, expiresAt, new Date(now));
      }
      return {
        ...found,
        idHash,
        csrfToken: csrfTokenFor(secret),
        expiresAt,
        maxAgeSeconds: Math.max(0, Math.floor((expiresAt.getTime() - now) / 1000)),
        renewed,
      };
    },

    /** Throws 403 `csrf_invalid` unless a state-changing request carries this session's CSRF token. */
    checkCsrf(session: { csrfHash: string }, method: string, submitted: string | undefined): void {
      if (isSafeMethod(method)) return;
      if (typeof submitted !== 'string' || !matchesHash(submitted, session.csrfHash))
        throw errors.csrfInvalid();
    },

    /** Ends the session of a cookie value (nothing happens for an unknown one). */
    async end(secret: string | undefined): Promise<void> {
      if (isSecretShaped(secret)) await store.delete(sha256Hex(secret));
    },
  };
}

export type Sessions<New, Found> = ReturnType<typeof createSessions<New, Found>>;
