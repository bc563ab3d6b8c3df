/**
 * The player lists exactly what the listener's private feed lists: the page reads that feed (same
 * origin, through the edge) rather than asking a second API that could disagree with it. Episode
 * ids come from the enclosure URLs (`/m/{token}/{episodeId}/{file}`, docs/edge-protocol.md).
 */
export interface FeedEpisode {
  episodeId: string;
  title: string;
  publishedAt: string | null;
  duration: string | null;
}

const ENCLOSURE = /\/m\/[^/]+\/([0-9a-f-]{36})\//;

export async function loadFeedEpisodes(feedUrl: string): Promise<FeedEpisode[]> {
  // Path only: the page may be served from another origin than PUBLIC_BASE_URL (dev server, custom domain).
  const url = new URL(feedUrl, window.location.href);
  const response = await fetch(url.pathname, {
    credentials: 'omit',
    headers: { accept: 'application/rss+xml' },
  });
  if (!response.ok) throw new Error(`the feed answered ${response.status}`);
  const xml = new DOMParser().parseFromString(await response.text(), 'application/xml');
  const episodes: FeedEpisode[] = [];
  for (const item of Array.from(xml.querySelectorAll('item'))) {
    const enclosure = item.querySelector('enclosure')?.getAttribute('url') ?? '';
    const episodeId = ENCLOSURE.exec(enclosure)?.[1];
    if (!episodeId) continue;
    const duration =
      Array.from(item.children).find((child) => child.localName === 'duration')?.textContent ?? null;
    episodes.push({
      episodeId,
      title: item.querySelector('title')?.textContent ?? 'Episode',
      publishedAt: item.querySelector('pubDate')?.textContent ?? null,
      duration,
    });
  }
  return episodes;
}
