import type { EdgeRequestRecord } from '@gatehouse/contracts';
import { type Catalog, edgeRecord, MiB, rangeRecord } from './counting-fixtures.ts';

const APPS = [
  'Podcasts/1650.20 CFNetwork/1494.0.7 Darwin/23.4.0',
  'Overcast/3.0 (+http://overcast.fm/; iOS podcast app)',
  'Pocket Casts/7.60 (Android 14)',
  'AntennaPod/3.5.0',
  'Spotify/8.9.10 Android/34 (Pixel 8)',
];

/**
 * `listeners` listeners on one day, each fetching the long episode in three ranges, their requests
 * interleaved (so every chain spans many batches). Even listeners reach ID3 + one minute (1 MiB),
 * odd ones stop 48 576 bytes short: exactly ceil(listeners / 2) downloads by construction.
 */
export function bulkTraffic(catalog: Catalog, listeners: number, day = '2026-12-01') {
  const records: EdgeRequestRecord[] = [];
  const chunks: [number, number][] = [
    [0, 399_999],
    [400_000, 799_999],
  ];
  for (let step = 0; step < 3; step++) {
    for (let i = 0; i < listeners; i++) {
      const last: [number, number] = i % 2 === 0 ? [800_000, MiB + 50_000] : [800_000, 999_999];
      const [start, end] = step < 2 ? (chunks[step] as [number, number]) : last;
      const hour = String(Math.floor((i * 24) / listeners)).padStart(2, '0');
      records.push(
        rangeRecord(catalog, start, end, {
          at: `${day}T${hour}:${String(step).padStart(2, '0')}:00.000Z`,
          saltDay: day,
          userAgent: APPS[i % APPS.length] ?? 'Other',
          ipHash: (0x100000 + i).toString(16).padStart(64, '0'),
        }),
      );
    }
  }
  return { records, downloads: Math.ceil(listeners / 2), day };
}

const BOTS = ['Googlebot/2.1 (+http://www.google.com/bot.html)', 'curl/8.5.0'];
const CHUNK = 128 * 1024;

/**
 * A day as podcast apps make it, in time order: listeners arrive a few at a time (`concurrent` of
 * them active together, their requests interleaved), and each one's app sends a `bytes=0-1` probe,
 * a HEAD, a feed fetch, then a chain of 128 KiB ranges — nine of them reach ID3 + one minute
 * (1 MiB + 50 000 bytes), every third listener stops after six (short of it); one listener in ten
 * is a bot fetching the whole file. Downloads by construction: listeners that are neither bots nor
 * every-third ones.
 */
export function mixedTraffic(catalog: Catalog, listeners: number, concurrent = 200, day = '2026-12-01') {
  const records: EdgeRequestRecord[] = [];
  let downloads = 0;
  for (let group = 0; group < listeners; group += concurrent) {
    const members = Array.from({ length: Math.min(concurrent, listeners - group) }, (_, k) => group + k);
    const chains = members.map((i) => {
      const at = `${day}T${String(Math.floor((i * 24) / listeners)).padStart(2, '0')}:00:00.000Z`;
      const who = { at, saltDay: day, ipHash: (0x200000 + i).toString(16).padStart(64, '0') };
      if (i % 10 === 9) {
        return [edgeRecord(catalog, { ...who, userAgent: BOTS[i % BOTS.length] ?? 'bot' })];
      }
      const userAgent = APPS[i % APPS.length] ?? 'Other';
      const chain: EdgeRequestRecord[] = [
        rangeRecord(catalog, 0, 1, { ...who, userAgent }),
        edgeRecord(catalog, { ...who, userAgent, method: 'HEAD', bytesSent: 0 }),
        edgeRecord(catalog, { ...who, userAgent, kind: 'feed', episodeId: null, bytesSent: 40_000 }),
      ];
      const reaches = i % 3 !== 0;
      const ranges = reaches ? 9 : 6;
      for (let r = 0; r < ranges; r++) {
        const start = r * CHUNK;
        const end = r === 8 ? 1024 * 1024 + 50_000 : start + CHUNK - 1;
        chain.push(rangeRecord(catalog, start, end, { ...who, userAgent }));
      }
      if (reaches) downloads++;
      return chain;
    });
    // Interleave the group's chains request by request, as concurrent apps would.
    for (let step = 0; chains.some((c) => step < c.length); step++) {
      for (const chain of chains) {
        const record = chain[step];
        if (record) records.push(record);
      }
    }
  }
  return { records, downloads, day };
}
