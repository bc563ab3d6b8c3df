import { createHash } from 'node:crypto';
import { BoundedCache } from '@gatehouse/bounded-cache';
import type { BodyPool } from './body-pool.ts';
import { audienceKey, type SelectedItem, selectEpisodes } from './episode-selection.ts';
import type { FeedAudience, ShowCatalog } from './feed-model.ts';
import {
  type RenderContext,
  renderHead,
  renderItem,
  showBaseUrl,
  TAIL,
  TOKEN_SLOT,
} from './feed-renderer.ts';

/**
 * Render once per show, content version and audience (tier set + lifecycle state), serve many
 * times. A template holds NO subscriber data: it is the feed split at every token slot, and a
 * subscriber's body is the parts joined with their token. So the cache key needs no subscriber,
 * and nothing per subscriber is ever cached here.
 *
 * Item fragments are cached too (keyed by episode, its update time, mode and feed kind), so a new
 * tier combination or a single changed episode re-renders only what changed.
 */
export interface FeedTemplate {
  parts: readonly Buffer[];
  /** sha256 of the template text: with the token it determines the body (the strong ETag input). */
  hash: string;
  lastModified: number;
  validUntil: number;
  itemCount: number;
}

export interface FeedTemplateCacheOptions {
  maxTemplates?: number;
  maxTemplateBytes?: number;
  maxFragments?: number;
}

export class FeedTemplateCache {
  readonly #templates: BoundedCache<string, FeedTemplate>;
  readonly #fragments: BoundedCache<string, string>;

  constructor(options: FeedTemplateCacheOptions = {}) {
    this.#templates = new BoundedCache({
      maxEntries: options.maxTemplates ?? 2_000,
      maxWeight: options.maxTemplateBytes ?? 256 * 1024 * 1024,
    });
    this.#fragments = new BoundedCache({ maxEntries: options.maxFragments ?? 200_000 });
  }

  get(
    catalog: ShowCatalog,
    audience: FeedAudience,
    ctx: Omit<RenderContext, 'kind' | 'lastModified'>,
    now: number,
  ): FeedTemplate {
    const showId = catalog.show.id;
    const audienceHash = createHash('sha1').update(audienceKey(audience, showId)).digest('base64url');
    const key = `${showId}|${catalog.version}|${audienceHash}`;
    const cached = this.#templates.get(key);
    if (cached && cached.validUntil > now) return cached;

    const selection = selectEpisodes(catalog, audience, now);
    const lastModified = Math.max(catalog.lastModified, selection.changedAt);
    const baseUrl = showBaseUrl(ctx.baseUrl, catalog.show);
    const full: RenderContext = { ...ctx, baseUrl, kind: audience.kind, lastModified };
    let text = renderHead(full, catalog.show);
    for (const item of selection.items) text += this.#fragment(full, showId, item);
    text += TAIL;
    const parts = text.split(TOKEN_SLOT).map((part) => Buffer.from(part, 'utf8'));
    const template: FeedTemplate = {
      parts,
      hash: createHash('sha256').update(text).digest('base64url'),
      lastModified,
      validUntil: selection.validUntil,
      itemCount: selection.items.length,
    };
    this.#templates.set(key, template, { weight: text.length });
    return template;
  }

  #fragment(ctx: RenderContext, showId: string, item: SelectedItem): string {
    // The base URL is part of the item (enclosure and file URLs): a custom domain that became active
    // renders the items again.
    const key = `${showId}|${item.episode.id}|${item.episode.updatedAt}|${item.mode}|${ctx.kind}|${ctx.baseUrl}`;
    let fragment = this.#fragments.get(key);
    if (fragment === undefined) {
      fragment = renderItem(ctx, item);
      this.#fragments.set(key, fragment);
    }
    return fragment;
  }

  /** Drops everything rendered for a show (a media event named it). */
  invalidateShow(showId: string): void {
    const prefix = `${showId}|`;
    const ofShow = (key: string) => key.startsWith(prefix);
    this.#templates.deleteWhere(ofShow);
    this.#fragments.deleteWhere(ofShow);
  }

  clear(): void {
    this.#templates.clear();
    this.#fragments.clear();
  }
}

/**
 * The subscriber's feed: template parts joined with their token. The strong ETag is a hash over
 * the template hash and the token — exactly the inputs of the body — so equal bodies get equal
 * tags and any change of either gives a new one, without hashing a megabyte per request. The body
 * itself is built only when asked for: a 304 or a memoised gzip never copies the megabyte.
 */
export interface AssembledFeed {
  etag: string;
  byteLength: number;
  /** The body; assembled into a buffer from `pool` when given (the caller releases it). */
  body(pool?: BodyPool): Buffer;
}

export function assembleFeed(template: FeedTemplate, token: string | undefined): AssembledFeed {
  if (template.parts.length > 1 && token === undefined)
    throw new Error('a private feed template needs a token');
  const tokenBytes = Buffer.from(token ?? '', 'utf8');
  let partsLength = 0;
  for (const part of template.parts) partsLength += part.length;
  const byteLength = partsLength + (template.parts.length - 1) * tokenBytes.length;
  const etag = `"${createHash('sha256')
    .update(template.hash)
    .update('\n')
    .update(token ?? '')
    .digest('base64url')
    .slice(0, 32)}"`;
  return {
    etag,
    byteLength,
    body(pool?: BodyPool) {
      if (template.parts.length === 1) return template.parts[0]!;
      // Every byte of the target is written below (parts and tokens tile it exactly), so a reused
      // buffer carries nothing of its previous body.
      const body = pool ? pool.acquire(byteLength) : Buffer.allocUnsafe(byteLength);
      const parts = template.parts;
      let offset = 0;
      for (let i = 0; i < parts.length; i++) {
        if (i > 0) {
          body.set(tokenBytes, offset);
          offset += tokenBytes.length;
        }
        body.set(parts[i]!, offset);
        offset += parts[i]!.length;
      }
      if (offset !== byteLength) throw new Error('feed body length mismatch');
      return body;
    },
  };
}
