/**
 * What the feed renderer reads: a show and its published episodes, as plain values. The Prisma
 * adapter builds these; domain code never sees a database row.
 */
export interface ShowView {
  id: string;
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  slug: string;
  title: string;
  description: string;
  author: string;
  ownerEmail: string | null;
  imageUrl: string | null;
  language: string;
  itunesCategory: string | null;
  itunesSubcategory: string | null;
  explicit: boolean;
  websiteUrl: string | null;
  podcastGuid: string;
  listPremiumTeasers: boolean;
  itunesType: 'episodic' | 'serial';
  /** `<itunes:owner><itunes:name>`; the author (then the tenant's name) when null. */
  ownerName: string | null;
  copyright: string | null;
  /** Path (under the feed's base URL) of the stored artwork; wins over `imageUrl`. */
  artworkPath: string | null;
  /** The creator's active custom domain (host name): feed and file URLs use it when set. */
  customDomain: string | null;
}

/** A stored file an episode publishes (transcript, chapters): its path under the feed's base URL. */
export interface EpisodeFileView {
  path: string;
  contentType: string;
}

export type LifecycleKind = 'none' | 'welcome' | 'payment_failed' | 'subscription_ended';

export interface EpisodeMediaView {
  fileName: string;
  contentType: string;
  byteSize: number;
  durationSeconds: number | null;
}

export interface EpisodeView {
  id: string;
  guid: string;
  title: string;
  description: string;
  seasonNumber: number | null;
  episodeNumber: number | null;
  episodeType: 'full' | 'trailer' | 'bonus';
  visibility: 'public' | 'premium';
  /** Unix ms; the episode is listed from this instant on (scheduled publishing). */
  publishedAt: number;
  /** Unix ms; premium until then, public after (early access). */
  earlyAccessUntil: number | null;
  lifecycleKind: LifecycleKind;
  transcriptUrl: string | null;
  transcriptType: string | null;
  chaptersUrl: string | null;
  /** Stored transcript / chapters; win over the URLs above. */
  transcriptFile: EpisodeFileView | null;
  chaptersFile: EpisodeFileView | null;
  explicit: boolean | null;
  /** Unix ms of the last change of the row (content version input). */
  updatedAt: number;
  media: EpisodeMediaView | null;
}

/** One show with its published episodes (newest first) and a content version. */
export interface ShowCatalog {
  show: ShowView;
  episodes: readonly EpisodeView[];
  /** Changes whenever anything rendered from this catalog changes. */
  version: string;
  /** Unix ms: newest change of the show or of any episode. */
  lastModified: number;
}

/** Subscriber lifecycle as carried by the access snapshot (`SubscriberAccess.lifecycle`). */
export type SubscriberLifecycle = 'none' | 'active' | 'payment_failed' | 'ended';

/** Who a feed is rendered for. */
export type FeedAudience =
  | { kind: 'public' }
  | {
      kind: 'private';
      /** Live plan ids, sorted — part of the cache key. */
      planIds: readonly string[];
      /** The show is granted as a whole by one of the live plans. */
      showGranted: boolean;
      /** Single episodes granted by the live plans. */
      episodeIds: ReadonlySet<string>;
      lifecycle: SubscriberLifecycle;
    };
