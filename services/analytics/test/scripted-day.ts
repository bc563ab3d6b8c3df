import type { EdgeRequestRecord } from '@gatehouse/contracts';
import { type Catalog, edgeRecord, addressHash as ip, MiB, rangeRecord } from './counting-fixtures.ts';

const UA = {
  iphone: 'Podcasts/1650.20 CFNetwork/1494.0.7 Darwin/23.4.0',
  overcast: 'Overcast/3.0 (+http://overcast.fm/; iOS podcast app)',
  pocketCasts: 'Pocket Casts/7.60 (Android 14)',
  antennaPod: 'AntennaPod/3.5.0',
  spotify: 'Spotify/8.9.10 Android/34 (Pixel 8)',
  castro: 'Castro 2024.10/1401',
  watch: 'atc/1.0 watchOS/10.4 model/Watch6,4 hwp/t8301 build/21T216 (6; dt:227)',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  crawler: 'AcmeCrawler/1.0',
};

/**
 * A scripted day of traffic (plus one request the next day) and the exact counts it must give
 * (docs/analytics.md, "How to check a number"). Used by the consumer integration test, the replay
 * end-to-end test and as a readable example of the rules.
 */
export function scriptedDay(c: Catalog) {
  const at = (hhmm: string, day = '2026-12-02') => `${day}T${hhmm}:00.000Z`;
  const pub = { kind: 'public' as const, tenantId: null, subscriberId: null, via: 'public' as const };
  const records: EdgeRequestRecord[] = [
    // 1. iPhone: Apple's bytes=0-1 probe, then a range chain reaching exactly 1 MiB → 1 download (long).
    rangeRecord(c, 0, 1, { at: at('06:00') }),
    rangeRecord(c, 0, 524_287, { at: at('06:00') }),
    rangeRecord(c, 524_288, MiB - 1, { at: at('06:01') }),
    //    …and the same listener again later that day: no second download.
    edgeRecord(c, { at: at('19:00') }),
    // 2. Overcast: HEAD, a 304 and half a minute → nothing.
    edgeRecord(c, { at: at('07:00'), method: 'HEAD', bytesSent: 0, userAgent: UA.overcast, ipHash: ip(2) }),
    edgeRecord(c, { at: at('07:00'), status: 304, bytesSent: 0, userAgent: UA.overcast, ipHash: ip(2) }),
    rangeRecord(c, 0, 500_000, { at: at('07:01'), userAgent: UA.overcast, ipHash: ip(2) }),
    // 3. Overcast at the iPhone's address: another listener; the whole short file → 1 download (short).
    edgeRecord(c, { at: at('08:00'), episodeId: c.shortEpisode, userAgent: UA.overcast }),
    // 4. Bots, known and self-declared → nothing.
    edgeRecord(c, { at: at('09:00'), userAgent: UA.googlebot, ipHash: ip(3) }),
    edgeRecord(c, { at: at('09:05'), userAgent: UA.crawler, ipHash: ip(3) }),
    // 5. The iPhone's watch downloads the same episode → removed (watchOS).
    edgeRecord(c, { at: at('09:30'), userAgent: UA.watch }),
    // 6. IPv6 listener on three addresses of one /64 (the shipper hashes the /64) → 1 download (long).
    rangeRecord(c, 0, 399_999, {
      at: at('10:00'),
      userAgent: UA.pocketCasts,
      ipHash: ip(6),
      network: '2001:db8:1:2::/64',
    }),
    rangeRecord(c, 400_000, 799_999, {
      at: at('10:01'),
      userAgent: UA.pocketCasts,
      ipHash: ip(6),
      network: '2001:db8:1:2::/64',
    }),
    rangeRecord(c, 800_000, 1_099_999, {
      at: at('10:02'),
      userAgent: UA.pocketCasts,
      ipHash: ip(6),
      network: '2001:db8:1:2::/64',
    }),
    // 7. Public episode (no tenant in the record): Pocket Casts, whole short file → 1 download, tier public.
    edgeRecord(c, {
      ...pub,
      at: at('11:00'),
      episodeId: c.shortEpisode,
      userAgent: UA.pocketCasts,
      ipHash: ip(8),
    }),
    // 8. Overlapping ranges that stay under 1 MiB distinct → nothing.
    rangeRecord(c, 0, 600_000, { at: at('12:00'), userAgent: UA.spotify, ipHash: ip(9) }),
    rangeRecord(c, 0, 600_000, { at: at('12:00'), userAgent: UA.spotify, ipHash: ip(9) }),
    rangeRecord(c, 300_000, 900_000, { at: at('12:01'), userAgent: UA.spotify, ipHash: ip(9) }),
    // 9. A seek into the middle: one minute of audio anywhere counts → 1 download (long).
    rangeRecord(c, 30 * MiB, 31 * MiB - 1, { at: at('13:00'), userAgent: UA.antennaPod, ipHash: ip(10) }),
    // 10. Denied request (auth said no) → nothing.
    edgeRecord(c, {
      at: at('14:00'),
      status: 403,
      bytesSent: 0,
      tenantId: null,
      subscriberId: null,
      episodeId: null,
      via: null,
      objectSize: null,
      ipHash: ip(11),
    }),
    // 11. A full GET cut off after 500 kB → nothing.
    edgeRecord(c, { at: at('15:00'), bytesSent: 500_000, userAgent: UA.castro, ipHash: ip(12) }),
    // 12. Next UTC day (new salt, so a new hash): the iPhone listener again → 1 download on 2026-12-03.
    edgeRecord(c, { at: at('00:30', '2026-12-03'), saltDay: '2026-12-03', ipHash: ip(101) }),
  ];
  const expected = {
    byDay: [
      { key: '2026-12-02', downloads: 5, listeners: 5 },
      { key: '2026-12-03', downloads: 1, listeners: 1 },
    ],
    byEpisode: [
      { key: c.longEpisode, downloads: 4, listeners: 4 },
      { key: c.shortEpisode, downloads: 2, listeners: 2 },
    ].sort((a, b) => a.key.localeCompare(b.key)),
    byApp: [
      { key: 'AntennaPod', downloads: 1, listeners: 1 },
      { key: 'Apple Podcasts', downloads: 2, listeners: 2 },
      { key: 'Overcast', downloads: 1, listeners: 1 },
      { key: 'Pocket Casts', downloads: 2, listeners: 2 },
    ],
    byTier: [
      { key: c.planId, downloads: 5, listeners: 5 },
      { key: 'public', downloads: 1, listeners: 1 },
    ].sort((a, b) => a.key.localeCompare(b.key)),
    totals: { downloads: 6, listeners: 6 },
  };
  return { records, expected, from: '2026-12-02', to: '2026-12-03' };
}
