import type { EdgeRequestRecord } from '@gatehouse/contracts';
import { type Catalog, MiB, rangeRecord } from './counting-fixtures.ts';

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
