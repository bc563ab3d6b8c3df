/**
 * One-tap "add to" links for a private feed URL, per app, in each app's documented subscribe format:
 * - Apple Podcasts: `podcast://` + the URL without its scheme (iOS/macOS hand it to Podcasts; the
 *   brief's choice; `pcast:` is the older alias, see castro.fm/blog/a-podcast-url-scheme).
 * - Overcast: `overcast://x-callback-url/add?url=` + the encoded URL (x-callback-url "add";
 *   zhensherlock.github.io/protocol-launcher/apps/overcast).
 * - Pocket Casts: `pktc://subscribe/` + the URL without `http(s)://`
 *   (zhensherlock.github.io/protocol-launcher/apps/pocket-casts: "expects the feed URL without a leading http://").
 * - Castro: `castro://subscribe/` + the URL without its scheme (the client list of the Podlove
 *   Subscribe Button, podlove.org/podlove-subscribe-button).
 * - AntennaPod: `https://antennapod.org/deeplink/subscribe?url=…&title=…` (antennapod.org
 *   documentation "podcasters-hosters/add-on-antennapod": URL-encode both; opens the app when installed).
 * - Podcast Addict: `podcastaddict://` + the URL without its scheme (Podlove Subscribe Button client list).
 * Scheme-less forms make the app fetch over https: production feeds are https (PUBLIC_BASE_URL).
 */
export interface AppLink {
  app: string;
  platform: 'iPhone' | 'Android' | 'iPhone and Android';
  href: string;
}

export function addToAppLinks(feedUrl: string, title: string): AppLink[] {
  const bare = feedUrl.replace(/^https?:\/\//, '');
  const encoded = encodeURIComponent(feedUrl);
  return [
    { app: 'Apple Podcasts', platform: 'iPhone', href: `podcast://${bare}` },
    { app: 'Overcast', platform: 'iPhone', href: `overcast://x-callback-url/add?url=${encoded}` },
    { app: 'Pocket Casts', platform: 'iPhone and Android', href: `pktc://subscribe/${bare}` },
    { app: 'Castro', platform: 'iPhone', href: `castro://subscribe/${bare}` },
    {
      app: 'AntennaPod',
      platform: 'Android',
      href: `https://antennapod.org/deeplink/subscribe?url=${encoded}&title=${encodeURIComponent(title)}`,
    },
    { app: 'Podcast Addict', platform: 'Android', href: `podcastaddict://${bare}` },
  ];
}

/** Phones see their own platform's apps first. */
export function sortForDevice(links: AppLink[], userAgent: string): AppLink[] {
  const android = /Android/i.test(userAgent);
  const ios = /iPhone|iPad|iPod/i.test(userAgent);
  if (!android && !ios) return links;
  const fits = (link: AppLink) =>
    link.platform === 'iPhone and Android' ||
    (ios ? link.platform === 'iPhone' : link.platform === 'Android');
  return [...links.filter(fits), ...links.filter((link) => !fits(link))];
}
