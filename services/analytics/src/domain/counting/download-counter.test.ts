import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EdgeRequestRecord } from '@gatehouse/contracts';
import { addInterval, coveredBytes } from './byte-intervals.ts';
import { countBatch, filterBatch, listenerKeyOf } from './download-counter.ts';
import { downloadThreshold, type EpisodeMedia, FALLBACK_BYTES_PER_MINUTE } from './download-threshold.ts';
import type { ListenState } from './listen-state.ts';
import { classifyRecord } from './request-filter.ts';

const TENANT = '0193a000-0000-7000-8000-000000000001';
const EPISODE = '0193a000-0000-7000-8000-0000000000e1';
const SMALL_EPISODE = '0193a000-0000-7000-8000-0000000000e2';
const SUBSCRIBER = '0193a000-0000-7000-8000-0000000000a1';
const IPHONE = 'Podcasts/1650.20 CFNetwork/1494.0.7 Darwin/23.4.0';
const OVERCAST = 'Overcast/3.0 (+http://overcast.fm/; iOS podcast app)';
// 60 MiB over one hour: one minute is 1 MiB of audio.
const MiB = 1024 * 1024;
const media: Record<string, EpisodeMedia> = {
  [EPISODE]: { tenantId: TENANT, byteSize: 60 * MiB, durationSeconds: 3600, audioStartOffset: null },
  [SMALL_EPISODE]: { tenantId: TENANT, byteSize: 300_000, durationSeconds: 20, audioStartOffset: null },
};
const hash = (n: number) => n.toString(16).padStart(64, '0');

let seq = 0;
function rec(over: Partial<EdgeRequestRecord> = {}): EdgeRequestRecord {
  seq += 1;
  const size = over.episodeId === SMALL_EPISODE ? 300_000 : 60 * MiB;
  return {
    id: seq.toString(16).padStart(32, '0'),
    at: '2026-12-02T10:00:00.000Z',
    kind: 'media',
    method: 'GET',
    status: 200,
    bytesSent: size,
    range: null,
    contentRange: null,
    objectSize: size,
    tenantId: TENANT,
    subscriberId: SUBSCRIBER,
    episodeId: EPISODE,
    via: 'plan',
    userAgent: IPHONE,
    ipHash: hash(1),
    network: '203.0.113.0/24',
    saltDay: '2026-12-02',
    ...over,
  };
}
/** A 206 answer for `bytes=start-end` that delivered `sent` bytes (default: all of them). */
function ranged(start: number, end: number, over: Partial<EdgeRequestRecord> = {}, sent = end - start + 1) {
  const size = over.objectSize ?? 60 * MiB;
  return rec({
    status: 206,
    range: `bytes=${start}-${end}`,
    contentRange: `bytes ${start}-${end}/${size}`,
    bytesSent: sent,
    ...over,
  });
}

/** Runs records through the filters and the counter, batch by batch, keeping state like the adapter. */
function count(batches: EdgeRequestRecord[][]) {
  const store = new Map<string, ListenState>();
  let downloads = 0;
  const dropped: Record<string, number> = {};
  for (const batch of batches) {
    const filtered = filterBatch(batch);
    for (const [reason, n] of Object.entries(filtered.dropped))
      dropped[reason] = (dropped[reason] ?? 0) + (n ?? 0);
    const outcome = countBatch(filtered.countable, {
      media: (id) => media[id],
      tier: (subscriberId, via) => (subscriberId ? 'plan-gold' : (via ?? 'public')),
      stored: (id) => store.get(id),
    });
    for (const [id, state] of outcome.changed) store.set(id, state);
    downloads += outcome.downloads;
  }
  const counted = [...store.values()].filter((s) => s.countedAt);
  return { downloads, dropped, counted, store };
}
const one = (records: EdgeRequestRecord[]) => count([records]);

describe('filters', () => {
  test('a full GET 200 counts', () => assert.equal(one([rec()]).downloads, 1));
  test('HEAD is dropped', () =>
    assert.deepEqual(classifyRecord(rec({ method: 'HEAD' })), { counts: false, reason: 'not-get' }));
  test('304 is dropped', () =>
    assert.deepEqual(classifyRecord(rec({ status: 304, bytesSent: 0 })), {
      counts: false,
      reason: 'status',
    }));
  test('denials and errors are dropped', () => {
    for (const status of [401, 403, 404, 410, 416, 499, 500])
      assert.equal(classifyRecord(rec({ status })).counts, false);
  });
  test('bytes=0-1 probe is dropped', () =>
    assert.deepEqual(classifyRecord(ranged(0, 1)), { counts: false, reason: 'probe' }));
  test('feed fetches are not downloads', () =>
    assert.deepEqual(classifyRecord(rec({ kind: 'feed', episodeId: null })), {
      counts: false,
      reason: 'not-media',
    }));
  test('public media (no tenant in the record) takes its tenant from the episode; unknown episodes are orphans', () => {
    const pub = { kind: 'public' as const, tenantId: null, subscriberId: null, via: 'public' as const };
    const r = one([rec(pub), rec({ ...pub, episodeId: '0193a000-0000-7000-8000-0000000000ff' })]);
    assert.equal(r.downloads, 1);
    assert.equal(r.counted[0]?.tenantId, TENANT);
  });
  test('records without a granted identity are dropped', () =>
    assert.deepEqual(classifyRecord(rec({ tenantId: null, episodeId: null })), {
      counts: false,
      reason: 'no-identity',
    }));
  test('known bots are dropped', () => {
    for (const ua of [
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'curl/8.5.0',
      'python-requests/2.32',
    ])
      assert.deepEqual(classifyRecord(rec({ userAgent: ua })), { counts: false, reason: 'bot' }, ua);
  });
  test('self-declared bots are dropped, a CUBOT phone is not', () => {
    assert.equal(classifyRecord(rec({ userAgent: 'MyPodcastCrawler/1.0' })).counts, false);
    assert.equal(classifyRecord(rec({ userAgent: 'FeedSpider 2' })).counts, false);
    assert.equal(classifyRecord(rec({ userAgent: 'AcmeBot' })).counts, false);
    assert.equal(
      classifyRecord(rec({ userAgent: 'Mozilla/5.0 (Linux; Android 11; CUBOT X30) AntennaPod/3.4' })).counts,
      true,
    );
  });
  test('Apple watchOS user agents are dropped', () => {
    for (const ua of [
      'atc/1.0 watchOS/10.4 model/Watch6,4 hwp/t8301 build/21T216 (6; dt:227)',
      'AppleCoreMedia/1.0.0.21T216 (Apple Watch; U; CPU OS 10_4 like Mac OS X; en_us)',
      'Podcasts/1650.20 watchOS/10.4',
    ])
      assert.deepEqual(classifyRecord(rec({ userAgent: ua })), { counts: false, reason: 'watch' }, ua);
  });
});

describe('threshold', () => {
  test('ID3 tag plus one minute at the average byte rate', () => {
    assert.equal(downloadThreshold(media[EPISODE], 60 * MiB), MiB);
    assert.equal(
      downloadThreshold(
        { tenantId: TENANT, byteSize: 60 * MiB + 4096, durationSeconds: 3600, audioStartOffset: 4096 },
        null,
      ),
      4096 + MiB,
    );
  });
  test('whole file when it is shorter than a minute', () =>
    assert.equal(downloadThreshold(media[SMALL_EPISODE], 300_000), 300_000));
  test('unknown duration: 128 kbit/s minute, never more than the file', () => {
    assert.equal(
      downloadThreshold(
        { tenantId: TENANT, byteSize: 50 * MiB, durationSeconds: null, audioStartOffset: null },
        null,
      ),
      FALLBACK_BYTES_PER_MINUTE,
    );
    assert.equal(downloadThreshold(undefined, 1000), 1000);
  });
  test("the record's objectSize wins over media's stored size", () =>
    assert.equal(downloadThreshold(media[EPISODE], 120 * MiB), 2 * MiB));
});

describe('byte intervals', () => {
  test('merge overlapping and adjacent, stay sorted, idempotent', () => {
    let list = addInterval([], [10, 20]);
    list = addInterval(list, [30, 40]);
    list = addInterval(list, [15, 32]);
    assert.deepEqual(list, [[10, 40]]);
    list = addInterval(list, [40, 50]);
    list = addInterval(list, [0, 5]);
    assert.deepEqual(list, [
      [0, 5],
      [10, 50],
    ]);
    assert.deepEqual(addInterval(list, [12, 13]), list);
    assert.equal(coveredBytes(list), 45);
  });
});

describe('range chains', () => {
  test('a chain of ranges that reaches ID3 + one minute counts once, at the completing request', () => {
    const r = one([ranged(0, 1), ranged(0, 524_287), ranged(524_288, MiB - 1), ranged(MiB, 2 * MiB - 1)]);
    assert.equal(r.downloads, 1);
    assert.equal(r.counted.length, 1);
  });
  test('a chain that stops short of the threshold does not count', () => {
    const r = one([ranged(0, 1), ranged(0, 524_287), ranged(524_288, MiB - 2)]);
    assert.equal(r.downloads, 0);
    assert.equal(r.dropped.probe, 1);
  });
  test('overlapping ranges count their bytes once', () => {
    const r = one([ranged(0, 600_000), ranged(0, 600_000), ranged(300_000, 900_000)]);
    assert.equal(r.downloads, 0); // 900_001 distinct bytes < 1 MiB
    assert.equal(one([ranged(0, 600_000), ranged(300_000, MiB)]).downloads, 1);
  });
  test('a request cut off half-way covers only the bytes sent', () => {
    assert.equal(one([rec({ bytesSent: 500_000 })]).downloads, 0);
    assert.equal(one([rec({ bytesSent: 500_000 }), ranged(500_000, 60 * MiB - 1, {}, 600_000)]).downloads, 1);
  });
  test('the minute may come from anywhere in the file (seek)', () =>
    assert.equal(one([ranged(30 * MiB, 31 * MiB - 1)]).downloads, 1));
  test('a whole small file counts; a part of it does not', () => {
    assert.equal(one([rec({ episodeId: SMALL_EPISODE })]).downloads, 1);
    assert.equal(one([ranged(0, 199_999, { episodeId: SMALL_EPISODE, objectSize: 300_000 })]).downloads, 0);
  });
  test('chains spread over batches count like one batch', () => {
    const chain = [ranged(0, 399_999), ranged(400_000, 799_999), ranged(800_000, 1_199_999)];
    assert.equal(count([[chain[0]!], [chain[1]!], [chain[2]!]]).downloads, 1);
  });
  test('a record delivered twice changes nothing', () => {
    const r = ranged(0, 600_000);
    assert.equal(one([r, r, r]).downloads, 0);
  });
});

describe('unique listeners', () => {
  test('one listener downloading again the same day counts once', () =>
    assert.equal(one([rec(), rec({ at: '2026-12-02T18:00:00.000Z' })]).downloads, 1));
  test('same address, another app: another listener', () =>
    assert.equal(one([rec(), rec({ userAgent: OVERCAST })]).downloads, 2));
  test('another address, same app: another listener', () =>
    assert.equal(one([rec(), rec({ ipHash: hash(2) })]).downloads, 2));
  test('IPv6: several addresses of one /64 share the shipper hash, so one listener', () => {
    // The shipper hashes the /64, so every address of it arrives as the same ipHash.
    const r = one([ranged(0, 599_999, { ipHash: hash(64) }), ranged(600_000, MiB, { ipHash: hash(64) })]);
    assert.equal(r.downloads, 1);
  });
  test('two episodes by one listener: two downloads', () =>
    assert.equal(
      one([rec(), rec({ episodeId: SMALL_EPISODE, objectSize: 300_000, bytesSent: 300_000 })]).downloads,
      2,
    ));
  test('the listener key does not contain the address hash or the user agent', () => {
    const key = listenerKeyOf(hash(1), IPHONE);
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.notEqual(key, hash(1));
  });
  test('a batch hashes each listener once: every record of a listener gets the same key, others their own', () => {
    const records = [
      rec({ ipHash: hash(1), userAgent: IPHONE }),
      rec({ ipHash: hash(2), userAgent: IPHONE }),
      rec({ ipHash: hash(1), userAgent: OVERCAST }),
      rec({ ipHash: hash(1), userAgent: IPHONE }),
    ];
    const keys = filterBatch(records).countable.map((c) => c.id.split('|')[2]);
    assert.deepEqual(keys, [
      listenerKeyOf(hash(1), IPHONE),
      listenerKeyOf(hash(2), IPHONE),
      listenerKeyOf(hash(1), OVERCAST),
      listenerKeyOf(hash(1), IPHONE),
    ]);
    assert.equal(new Set(keys).size, 3);
  });
  test('app and tier are recorded per listen', () => {
    const r = one([
      rec({ userAgent: OVERCAST }),
      rec({ subscriberId: null, via: 'public', ipHash: hash(3) }),
    ]);
    assert.deepEqual(r.counted.map((s) => [s.app, s.tier]).sort(), [
      ['Apple Podcasts', 'public'],
      ['Overcast', 'plan-gold'],
    ]);
  });
});

describe('window edges (UTC day of the salt)', () => {
  test('a chain across midnight starts again in the new day', () => {
    const r = one([
      ranged(0, 599_999, { at: '2026-12-02T23:59:59.000Z', saltDay: '2026-12-02' }),
      ranged(600_000, MiB, { at: '2026-12-03T00:00:01.000Z', saltDay: '2026-12-03', ipHash: hash(99) }),
    ]);
    assert.equal(r.downloads, 0);
  });
  test('a download on each of two days counts twice (one per window)', () => {
    const r = one([
      rec({ at: '2026-12-02T23:59:59.999Z', saltDay: '2026-12-02' }),
      rec({ at: '2026-12-03T00:00:00.000Z', saltDay: '2026-12-03', ipHash: hash(77) }),
    ]);
    assert.equal(r.downloads, 2);
    assert.deepEqual(r.counted.map((s) => s.day).sort(), ['2026-12-02', '2026-12-03']);
  });
  test('the window is the salt day, not the request time', () => {
    // A record finished just after midnight but hashed with the previous day's salt belongs to that day.
    const r = one([
      ranged(0, 599_999, { at: '2026-12-02T23:59:59.000Z' }),
      ranged(600_000, MiB, { at: '2026-12-03T00:00:00.200Z', saltDay: '2026-12-02' }),
    ]);
    assert.equal(r.downloads, 1);
    assert.equal(r.counted[0]?.day, '2026-12-02');
  });
});

describe('determinism', () => {
  test('the same records in the same order give the same states, batched any way', () => {
    const day = [
      ranged(0, 1),
      ranged(0, 400_000),
      rec({ method: 'HEAD' }),
      ranged(400_001, MiB),
      rec({ userAgent: OVERCAST, ipHash: hash(5) }),
      rec({ userAgent: 'AcmeBot/1.0' }),
    ];
    const a = count([day]);
    const b = count(day.map((r) => [r]));
    assert.deepEqual([...a.store.entries()].sort(), [...b.store.entries()].sort());
    assert.equal(a.downloads, 2);
  });
});
