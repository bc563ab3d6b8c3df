import { type OriginUrl, redisKeys } from '@gatehouse/contracts';
import type { RecordSource } from './access-reader.ts';
import type { RecordCache } from './record-cache.ts';

/** The media service's `POST /internal/v1/origins` (docs/edge-protocol.md). Media holds the storage credentials. */
export interface OriginIssuer {
  issue(objectKey: string): Promise<OriginUrl>;
}

export class OriginUnavailableError extends Error {
  constructor(cause: unknown) {
    super('origin URL unavailable', { cause });
    this.name = 'OriginUnavailableError';
  }
}

/**
 * Presigned GET URL for an object: in-process cache → Redis (`gh:v1:origin:{objectKey}`, kept
 * ahead of need by media) → media on a miss (single-flight per key). A URL is only handed out
 * while at least `minRemainingMs` of validity is left, so nginx never starts a fill with a URL that
 * dies mid-download.
 */
export class OriginResolver {
  readonly #source: RecordSource;
  readonly #cache: RecordCache;
  readonly #issuer: OriginIssuer;
  readonly #minRemainingMs: number;
  readonly #expiry: (key: string, value: OriginUrl | null, now: number) => number;

  constructor(options: {
    source: RecordSource;
    cache: RecordCache;
    issuer: OriginIssuer;
    minRemainingMs: number;
  }) {
    this.#source = options.source;
    this.#cache = options.cache;
    this.#issuer = options.issuer;
    this.#minRemainingMs = options.minRemainingMs;
    // A missing origin is not cached (media is asked at once); a present one until it gets too short.
    this.#expiry = (_key, value, now) => (value ? value.expiresAt - this.#minRemainingMs : now);
  }

  async resolve(objectKey: string): Promise<string> {
    const key = redisKeys.origin(objectKey);
    let origin: OriginUrl | null = null;
    try {
      const [cached] = await this.#cache.loadMany<OriginUrl>([key], this.#fetch, this.#expiry);
      origin = cached ?? null;
    } catch {
      // Redis unreadable: media can still presign, so fall through to it rather than fail.
    }
    if (origin && this.#usable(origin)) return origin.url;
    try {
      const issued = await this.#cache.once<OriginUrl>(
        `issue:${key}`,
        () => this.#issuer.issue(objectKey),
        (_value, now) => now,
      );
      if (!issued || issued.objectKey !== objectKey || !this.#usable(issued)) {
        throw new Error('media answered an unusable origin');
      }
      this.#cache.set(key, issued, issued.expiresAt - this.#minRemainingMs);
      return issued.url;
    } catch (error) {
      throw new OriginUnavailableError(error);
    }
  }

  readonly #fetch = (keys: string[]) => this.#source.getMany<OriginUrl>(keys);

  #usable(origin: OriginUrl): boolean {
    return origin.expiresAt - this.#minRemainingMs > this.#cache.now();
  }
}
