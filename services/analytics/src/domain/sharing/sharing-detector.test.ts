import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detect, observationsOf } from './sharing-detection.ts';
import type { SharingAlertDraft } from './sharing-detector.ts';
import type { EdgeRecordFacts } from './sharing-observation.ts';
import { defaultSharingSettings, type SharingSettings } from './sharing-settings.ts';
import { clearWindow, fromStoredWindow, type SubscriberWindow, toStoredWindow } from './sharing-window.ts';

// A small double of the UA → app list the counting side maintains.
const appOf = (ua: string) => {
  for (const [needle, app] of [
    ['Overcast', 'Overcast'],
    ['Pocket Casts', 'Pocket Casts'],
    ['AntennaPod', 'AntennaPod'],
    ['Castro', 'Castro'],
    ['Spotify', 'Spotify'],
    ['watchOS', 'Apple Watch'],
    ['AppleCoreMedia', 'Apple Podcasts'],
    ['Podcasts/', 'Apple Podcasts'],
    ['Chrome', 'Chrome'],
  ] as const)
    if (ua.includes(needle)) return app;
  return 'Other';
};

const tenantId = '0190a1b2-0000-7000-8000-0000000000a1';
const listener = '0190a1b2-0000-7000-8000-0000000000b1';
const episodes = ['e1', 'e2', 'e3'].map((e, i) =>
  `0190a1b2-0000-7000-8000-0000000000e${i}-${e}`.slice(0, 36),
);
const t0 = Date.parse('2026-12-01T06:00:00.000Z');
let sequence = 0;

function rec(over: Partial<EdgeRecordFacts> & { atMs: number }): EdgeRecordFacts {
  const { atMs, ...rest } = over;
  sequence += 1;
  return {
    id: sequence.toString(16).padStart(32, '0'),
    at: new Date(atMs).toISOString(),
    kind: 'media',
    method: 'GET',
    status: 206,
    range: 'bytes=0-',
    tenantId,
    subscriberId: listener,
    episodeId: episodes[0]!,
    userAgent: 'Overcast/3.0 (+http://overcast.fm/; iOS podcast app)',
    network: '198.51.100.0/24',
    ...rest,
  };
}

/** A device fetching an episode the way apps do: probe, first range, a few follow-up ranges. */
function download(at: number, device: Pick<EdgeRecordFacts, 'userAgent' | 'network'>, episodeId: string) {
  return [
    rec({ atMs: at, ...device, episodeId, range: 'bytes=0-1' }),
    rec({ atMs: at + 1_000, ...device, episodeId, range: 'bytes=0-' }),
    rec({ atMs: at + 60_000, ...device, episodeId, range: 'bytes=5000000-9999999' }),
    rec({ atMs: at + 120_000, ...device, episodeId, range: 'bytes=10000000-' }),
  ];
}

const UA = {
  phone: 'Overcast/3.0 (+http://overcast.fm/; iOS podcast app)',
  watch: 'atc/1.0 watchOS/10.0 model/Watch6,1 (com.apple.podcasts.watchapp)',
  laptop: 'Podcasts/1.1 CFNetwork/1500 Darwin/23.0 (Macintosh)',
  laptopBrowser: 'Mozilla/5.0 (Macintosh) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
};
const HOME = '203.0.113.0/24';
const WORK = '192.0.2.0/24';
const HOME_V6 = '2001:db8:1:2::/64';
const HOUR = 3_600_000;

/** One listener's day: phone, watch and laptop at home and at work, the phone roaming in between. */
function oneListenersDay(start: number): EdgeRecordFacts[] {
  const records: EdgeRecordFacts[] = [];
  // Morning at home: phone downloads two episodes (v4 and v6), the watch syncs one.
  records.push(...download(start, { userAgent: UA.phone, network: HOME }, episodes[0]!));
  records.push(...download(start + 600_000, { userAgent: UA.phone, network: HOME_V6 }, episodes[1]!));
  records.push(...download(start + 900_000, { userAgent: UA.watch, network: HOME }, episodes[0]!));
  // Commute: the phone streams across ten carrier /24s and /64s (CGNAT pools, re-attaches).
  for (let i = 0; i < 10; i++) {
    const network = i % 2 === 0 ? `100.64.${i}.0/24` : `2001:db8:ca:${i}::/64`;
    records.push(
      rec({
        atMs: start + HOUR + i * 300_000,
        userAgent: UA.phone,
        network,
        episodeId: episodes[1]!,
        range: `bytes=${i * 1_000_000}-`,
      }),
    );
  }
  // The watch on mobile data for a run, two carriers.
  records.push(
    ...download(start + 2 * HOUR, { userAgent: UA.watch, network: '100.64.20.0/24' }, episodes[2]!),
  );
  records.push(
    rec({
      atMs: start + 2 * HOUR + 900_000,
      userAgent: UA.watch,
      network: '100.64.21.0/24',
      episodeId: episodes[2]!,
      range: 'bytes=20000000-',
    }),
  );
  // At work: laptop app and browser player, phone on the office Wi-Fi.
  records.push(...download(start + 3 * HOUR, { userAgent: UA.laptop, network: WORK }, episodes[0]!));
  records.push(...download(start + 4 * HOUR, { userAgent: UA.laptopBrowser, network: WORK }, episodes[2]!));
  records.push(...download(start + 5 * HOUR, { userAgent: UA.phone, network: WORK }, episodes[2]!));
  // Commute home, roaming again, then evening at home on every device.
  for (let i = 0; i < 6; i++) {
    records.push(
      rec({
        atMs: start + 10 * HOUR + i * 300_000,
        userAgent: UA.phone,
        network: `100.65.${i}.0/24`,
        episodeId: episodes[2]!,
        range: `bytes=${i * 1_000_000}-`,
      }),
    );
  }
  records.push(...download(start + 12 * HOUR, { userAgent: UA.laptop, network: HOME }, episodes[1]!));
  records.push(
    ...download(start + 12.5 * HOUR, { userAgent: UA.laptopBrowser, network: HOME_V6 }, episodes[0]!),
  );
  records.push(...download(start + 13 * HOUR, { userAgent: UA.watch, network: HOME }, episodes[1]!));
  return records;
}

/** A feed passed around: 12 people on 12 networks, 6 apps between them, each fetching two episodes. */
function sharedFeed(start: number): EdgeRecordFacts[] {
  const apps = [
    'Overcast/3.0',
    'Pocket Casts/7.50',
    'AntennaPod/3.4',
    'Castro/2024',
    'Spotify/8.9',
    'AppleCoreMedia/1.0',
  ];
  const records: EdgeRecordFacts[] = [];
  for (let person = 0; person < 12; person++) {
    const device = { userAgent: apps[person % 6]!, network: `198.51.${person}.0/24` };
    records.push(...download(start + person * 1_800_000, device, episodes[0]!));
    records.push(...download(start + person * 1_800_000 + 600_000, device, episodes[1]!));
  }
  return records;
}

function run(
  records: EdgeRecordFacts[],
  settings: SharingSettings = defaultSharingSettings,
  roundTrip = false,
) {
  const windows = new Map<string, SubscriberWindow>();
  const alerts: SharingAlertDraft[] = [];
  for (const record of records) {
    alerts.push(...detect(observationsOf([record], appOf), windows, () => settings));
    // Storing and reloading after every record must change nothing (the consumer stores per batch).
    if (roundTrip)
      for (const [key, window] of windows)
        windows.set(key, fromStoredWindow(JSON.parse(JSON.stringify(toStoredWindow(window)))));
  }
  return { alerts, windows };
}

describe('sharing detection', () => {
  test('one listener with phone, watch and laptop at home and at work, roaming: no alert over a week', () => {
    const week = Array.from({ length: 7 }, (_, day) => oneListenersDay(t0 + day * 24 * HOUR)).flat();
    const { alerts, windows } = run(week);
    assert.deepEqual(alerts, []);
    const window = windows.get(listener)!;
    // It is not quiet because nothing was counted: many networks, but few apps and downloads.
    assert.ok(window.networks.size >= 15, `networks ${window.networks.size}`);
    assert.equal(window.apps.size, 4);
  });

  test('a feed shared across 12 networks and 6 apps raises exactly one alert, with why', () => {
    const { alerts } = run([...sharedFeed(t0), ...sharedFeed(t0 + 6 * HOUR)]);
    assert.equal(alerts.length, 1);
    const [alert] = alerts;
    assert.deepEqual(alert!.reasons, ['networks_and_apps']);
    assert.equal(alert!.counts.networks, 8);
    assert.equal(alert!.counts.apps, 6);
    assert.equal(alert!.networks.length, 8);
    assert.deepEqual(alert!.apps.map((a) => a.app).sort(), [
      'AntennaPod',
      'Apple Podcasts',
      'Castro',
      'Overcast',
      'Pocket Casts',
      'Spotify',
    ]);
    assert.equal(alert!.firstSeen, new Date(t0).toISOString());
    assert.equal(alert!.supersedes, null);
    assert.equal(alert!.policy, 'alert');
    for (const network of alert!.networks)
      assert.ok(network.requests >= 1 && network.firstSeen <= network.lastSeen);
  });

  test('replay is deterministic: same alerts, same ids, with or without storing the window between records', () => {
    const records = [...oneListenersDay(t0), ...sharedFeed(t0 + 30 * HOUR), ...sharedFeed(t0 + 90 * HOUR)];
    const first = run(records);
    const second = run(records, defaultSharingSettings, true);
    assert.ok(first.alerts.length >= 1);
    assert.deepEqual(second.alerts, first.alerts);
    assert.deepEqual(
      toStoredWindow(second.windows.get(listener)!),
      toStoredWindow(first.windows.get(listener)!),
    );
  });

  test('no storm: while an alert is open the same pattern raises nothing; doubling it supersedes', () => {
    const settings = { ...defaultSharingSettings, minNetworks: 4, minApps: 2 };
    const device = (n: number) => ({
      userAgent: n % 2 ? 'Overcast/3' : 'Castro/2',
      network: `198.51.${n}.0/24`,
    });
    const records: EdgeRecordFacts[] = [];
    // Mid-file ranges only, so the growth is in networks alone (no download starts).
    const ranges = (at: number, n: number) =>
      [0, 1, 2].map((i) => rec({ atMs: at + i, ...device(n), range: `bytes=${i + 1}00-` }));
    for (let n = 0; n < 8; n++) records.push(...ranges(t0 + n * 60_000, n));
    for (let n = 0; n < 4; n++) records.push(...ranges(t0 + HOUR + n * 60_000, n));
    const { alerts } = run(records, settings);
    assert.equal(alerts.length, 2, 'one at 4 networks, the next at 8 (grew 100 %)');
    assert.equal(alerts[0]!.counts.networks, 4);
    assert.equal(alerts[1]!.counts.networks, 8);
    assert.equal(alerts[1]!.supersedes, alerts[0]!.alertId);
  });

  test('after a dismissal only new traffic counts towards the next alert', () => {
    const settings = { ...defaultSharingSettings, minNetworks: 3, minApps: 1 };
    const device = (n: number) => ({ userAgent: 'Overcast/3', network: `198.51.${n}.0/24` });
    const first = [0, 1, 2].flatMap((n) => download(t0 + n * 60_000, device(n), episodes[0]!));
    const { alerts, windows } = run(first, settings);
    assert.equal(alerts.length, 1);
    clearWindow(windows.get(listener)!);
    const again = (n: number, at: number) =>
      detect(observationsOf(download(at, device(n), episodes[0]!), appOf), windows, () => settings);
    assert.deepEqual(again(0, t0 + HOUR), []);
    assert.deepEqual(again(1, t0 + HOUR + 1), []);
    assert.equal(again(2, t0 + HOUR + 2).length, 1);
  });

  describe('threshold edges', () => {
    const settings = { ...defaultSharingSettings, minNetworks: 5, minApps: 3, maxEpisodeDownloads: 4 };
    const uas = ['Overcast/3', 'Castro/2', 'Spotify/8'];
    const spread = (networks: number, apps: number, atStep = 60_000) =>
      Array.from({ length: networks }, (_, n) =>
        rec({
          atMs: t0 + n * atStep,
          network: `198.51.${n}.0/24`,
          userAgent: uas[n % apps]!,
          range: `bytes=${n + 100}-`,
        }),
      );

    test('networks and apps both at the threshold fire; one short of either does not', () => {
      assert.equal(run(spread(5, 3), settings).alerts.length, 1);
      assert.equal(run(spread(4, 3), settings).alerts.length, 0);
      assert.equal(
        run(spread(12, 2), settings).alerts.length,
        0,
        'many networks, few apps: roaming, not sharing',
      );
    });

    test('the window is rolling in record time: networks a window apart do not add up', () => {
      assert.equal(run(spread(5, 3, 6 * HOUR - 1), settings).alerts.length, 1, '4 gaps < 24 h');
      assert.equal(run(spread(5, 3, 6 * HOUR), settings).alerts.length, 0, 'the first left the window');
    });

    test('episode downloads count distinct (network, app) starts; probes, later ranges and repeats do not', () => {
      const starts = (n: number) =>
        Array.from({ length: n }, (_, i) =>
          rec({
            atMs: t0 + i * 1000,
            network: `203.0.${i}.0/24`,
            userAgent: 'Overcast/3',
            range: i % 2 ? null : 'bytes=0-',
          }),
        );
      assert.equal(run(starts(3), settings).alerts.length, 0);
      const fired = run(starts(4), settings).alerts;
      assert.equal(fired.length, 1);
      assert.deepEqual(fired[0]!.reasons, ['episode_downloads']);
      assert.deepEqual(fired[0]!.episodes, [{ episodeId: episodes[0], downloads: 4 }]);
      const noise = [
        ...Array.from({ length: 6 }, (_, i) =>
          rec({ atMs: t0 + i, network: `203.0.${i}.0/24`, range: 'bytes=0-1' }),
        ),
        ...Array.from({ length: 6 }, (_, i) =>
          rec({ atMs: t0 + i, network: '203.0.9.0/24', range: 'bytes=0-' }),
        ),
      ];
      assert.equal(run(noise, settings).alerts.length, 0);
    });

    test('only served media GETs of a subscriber count', () => {
      const base = spread(5, 3);
      for (const [name, change] of [
        ['feed fetches', { kind: 'feed' }],
        ['denied (410 after a reset)', { status: 410 }],
        ['HEAD', { method: 'HEAD' }],
        ['public', { subscriberId: null }],
      ] as const) {
        const records = base.map((r) => ({ ...r, ...change }));
        assert.equal(run(records, settings).alerts.length, 0, name);
      }
    });
  });
});
