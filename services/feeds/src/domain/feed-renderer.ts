import type { SelectedItem } from './episode-selection.ts';
import type { EpisodeView, ShowView } from './feed-model.ts';
import { itunesDuration, rfc2822 } from './rfc2822-date.ts';
import { cdataElement, element, emptyElement, escapeXml, parent, SLOT, Slotted } from './xml-writer.ts';

/**
 * Renders RSS 2.0 with the Apple Podcasts (itunes:) and Podcasting 2.0 (podcast:) namespaces.
 *
 * The renderer never sees a subscriber token: private feeds are rendered once per show/tier with
 * TOKEN_SLOT where the token goes, and the per-subscriber body is assembled by splicing the token
 * into the slots (see feed-template.ts). The slot contains NUL, which no escaped text can contain
 * (XML 1.0 forbids it and the writer strips it), so a hostile title cannot forge a slot.
 */
export const TOKEN_SLOT = SLOT;

export interface RenderContext {
  /** Edge base URL without trailing slash, e.g. https://media.example.com */
  baseUrl: string;
  kind: 'public' | 'private';
  /** Unix ms, newest change of anything in the feed (lastBuildDate; stable between changes). */
  lastModified: number;
}

const NAMESPACES = {
  version: '2.0',
  'xmlns:itunes': 'http://www.itunes.com/dtds/podcast-1.0.dtd',
  'xmlns:podcast': 'https://podcastindex.org/namespace/1.0',
  'xmlns:atom': 'http://www.w3.org/2005/Atom',
  'xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
};

const yesNo = (value: boolean) => (value ? 'true' : 'false');

export function feedSelfUrl(ctx: RenderContext, show: ShowView): Slotted {
  return ctx.kind === 'private'
    ? new Slotted([`${ctx.baseUrl}/f/`, `/${show.id}.xml`])
    : new Slotted([
        `${ctx.baseUrl}/p/${encodeURIComponent(show.tenantSlug)}/${encodeURIComponent(show.slug)}.xml`,
      ]);
}

/** Private feeds: `/m/{token}/…`; public feeds: the token-less `/pub/…` (docs/edge-protocol.md). */
export function enclosureUrl(ctx: RenderContext, episode: EpisodeView, fileName: string): Slotted {
  const tail = `/${episode.id}/${encodeURIComponent(fileName)}`;
  return ctx.kind === 'private'
    ? new Slotted([`${ctx.baseUrl}/m/`, tail])
    : new Slotted([`${ctx.baseUrl}/pub${tail}`]);
}

/** Everything from the XML declaration up to and including the channel-level tags. */
/**
 * The base URL a show's feed uses: the creator's active custom domain (same scheme as the platform's
 * base URL, as the edge serves both), else the platform's.
 */
export function showBaseUrl(platformBaseUrl: string, show: Pick<ShowView, 'customDomain'>): string {
  if (!show.customDomain) return platformBaseUrl;
  const scheme = platformBaseUrl.startsWith('http://') ? 'http' : 'https';
  return `${scheme}://${show.customDomain}`;
}

export function renderHead(ctx: RenderContext, show: ShowView): string {
  const category = show.itunesCategory
    ? parent(
        'itunes:category',
        show.itunesSubcategory ? emptyElement('itunes:category', { text: show.itunesSubcategory }) : '',
        { text: show.itunesCategory },
      )
    : '';
  const author = show.author || show.tenantName;
  const ownerName = show.ownerName || author;
  const image = show.artworkPath ? `${ctx.baseUrl}${show.artworkPath}` : show.imageUrl;
  const attrs = Object.entries(NAMESPACES)
    .map(([name, value]) => ` ${name}="${escapeXml(value)}"`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss${attrs}><channel>` +
    element('title', show.title) +
    element('link', show.websiteUrl ?? `${ctx.baseUrl}/p/${show.tenantSlug}/${show.slug}.xml`) +
    emptyElement('atom:link', { href: feedSelfUrl(ctx, show), rel: 'self', type: 'application/rss+xml' }) +
    cdataElement('description', show.description || show.title) +
    element('language', show.language) +
    element('lastBuildDate', rfc2822(ctx.lastModified)) +
    element('generator', 'Gatehouse') +
    (show.copyright ? element('copyright', show.copyright) : '') +
    element('itunes:author', author) +
    (show.ownerEmail
      ? parent('itunes:owner', element('itunes:name', ownerName) + element('itunes:email', show.ownerEmail))
      : '') +
    (image ? emptyElement('itunes:image', { href: image }) : '') +
    (image
      ? parent(
          'image',
          element('url', image) +
            element('title', show.title) +
            element('link', show.websiteUrl ?? ctx.baseUrl),
        )
      : '') +
    category +
    element('itunes:explicit', yesNo(show.explicit)) +
    element('itunes:type', show.itunesType) +
    element('podcast:guid', show.podcastGuid) +
    element('podcast:locked', 'yes', show.ownerEmail ? { owner: show.ownerEmail } : undefined) +
    // A private feed must never reach a directory: Apple honours itunes:block, Podcast Index podcast:block.
    (ctx.kind === 'private' ? element('itunes:block', 'Yes') + element('podcast:block', 'yes') : '')
  );
}

export const TAIL = '</channel></rss>\n';

/** One `<item>`; a teaser has no enclosure, so apps list it but cannot play it. */
export function renderItem(ctx: RenderContext, item: SelectedItem): string {
  const { episode, mode } = item;
  const media = episode.media;
  let children =
    element('title', episode.title) +
    cdataElement('description', episode.description || episode.title) +
    element('guid', episode.guid, { isPermaLink: 'false' }) +
    element('pubDate', rfc2822(episode.publishedAt)) +
    element('itunes:title', episode.title) +
    element('itunes:episodeType', episode.episodeType) +
    element('itunes:episode', episode.episodeNumber) +
    element('itunes:season', episode.seasonNumber) +
    (episode.explicit === null ? '' : element('itunes:explicit', yesNo(episode.explicit)));
  if (mode === 'full' && media) {
    children +=
      emptyElement('enclosure', {
        url: enclosureUrl(ctx, episode, media.fileName),
        length: media.byteSize,
        type: media.contentType,
      }) +
      (media.durationSeconds === null
        ? ''
        : element('itunes:duration', itunesDuration(media.durationSeconds)));
    const { transcriptFile, chaptersFile } = episode;
    if (transcriptFile) {
      children += emptyElement('podcast:transcript', {
        url: `${ctx.baseUrl}${transcriptFile.path}`,
        type: transcriptFile.contentType,
      });
    } else if (episode.transcriptUrl) {
      children += emptyElement('podcast:transcript', {
        url: episode.transcriptUrl,
        type: episode.transcriptType ?? 'text/vtt',
      });
    }
    const chaptersUrl = chaptersFile ? `${ctx.baseUrl}${chaptersFile.path}` : episode.chaptersUrl;
    if (chaptersUrl) {
      children += emptyElement('podcast:chapters', { url: chaptersUrl, type: 'application/json+chapters' });
    }
  }
  return parent('item', children);
}
