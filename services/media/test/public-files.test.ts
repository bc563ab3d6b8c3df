import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type App,
  type Call,
  jpegHeader,
  MiB,
  pngImage,
  readyEpisode,
  sha256,
  showAndEpisode,
  useMediaApp,
} from './support/media-test-app.ts';

// Show artwork, transcripts and chapters: checked, stored in MinIO, served without credentials.
const put = (call: Call, url: string, body: Uint8Array | string, contentType: string) =>
  call('PUT', url, typeof body === 'string' ? body : Buffer.from(body), { 'content-type': contentType });

/** GET of a public file URL from an API body, with no credentials at all. */
const fetchPublic = (app: App, url: string) => app.inject({ method: 'GET', url: new URL(url).pathname });

describe('public files', () => {
  const t = useMediaApp({ publicBaseUrl: 'https://edge.example.test/' });

  test('artwork: a square 1400 px PNG is stored and served publicly; a replacement retires the old URL', async () => {
    const { showId } = await showAndEpisode(t.call);
    const png = pngImage(1400, 1400);
    const stored = await put(t.call, `/api/v1/shows/${showId}/artwork`, png, 'image/png');
    assert.equal(stored.statusCode, 200, stored.body);
    const artwork = stored.json().artwork;
    assert.match(
      artwork.url,
      /^https:\/\/edge\.example\.test\/api\/v1\/public\/files\/[0-9a-f-]{36}\/artwork\.png$/,
    );
    assert.deepEqual(
      {
        contentType: artwork.contentType,
        width: artwork.width,
        height: artwork.height,
        size: artwork.byteSize,
      },
      { contentType: 'image/png', width: 1400, height: 1400, size: png.length },
    );
    assert.equal(artwork.sha256, sha256(png));
    assert.deepEqual((await t.call('GET', `/api/v1/shows/${showId}`)).json().artwork, artwork);

    const served = await fetchPublic(t.app, artwork.url);
    assert.equal(served.statusCode, 200);
    assert.equal(served.headers['content-type'], 'image/png');
    assert.equal(served.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(served.headers.etag, `"${sha256(png)}"`);
    assert.equal(sha256(served.rawPayload), sha256(png));
    assert.equal((await fetchPublic(t.app, artwork.url.replace('artwork.png', 'other.png'))).statusCode, 404);

    const jpeg = jpegHeader(3000, 3000);
    const replaced = await put(t.call, `/api/v1/shows/${showId}/artwork`, jpeg, 'image/jpeg');
    assert.equal(replaced.statusCode, 200, replaced.body);
    assert.equal(replaced.json().artwork.contentType, 'image/jpeg');
    assert.equal((await fetchPublic(t.app, artwork.url)).statusCode, 404, 'the replaced file is gone');
    assert.equal((await fetchPublic(t.app, replaced.json().artwork.url)).statusCode, 200);

    const removed = await t.call('DELETE', `/api/v1/shows/${showId}/artwork`);
    assert.equal(removed.statusCode, 200);
    assert.equal(removed.json().artwork, null);
    assert.equal((await fetchPublic(t.app, replaced.json().artwork.url)).statusCode, 404);
  });

  test('artwork: wrong type 415, wrong size 422, too large 413, another tenant 404 — and nothing changes', async () => {
    const { showId } = await showAndEpisode(t.call);
    const url = `/api/v1/shows/${showId}/artwork`;
    const cases: [Uint8Array | string, string, number, RegExp][] = [
      [pngImage(1400, 1400), 'image/gif', 415, /JPEG or PNG/],
      [Buffer.from('GIF89a....'), 'image/png', 415, /not a JPEG or PNG/],
      [pngImage(1400, 1400), 'image/jpeg', 415, /image\/png image, not the declared image\/jpeg/],
      [pngImage(1000, 1000), 'image/png', 422, /1400–3000 px.*1000×1000/],
      [jpegHeader(1400, 1500), 'image/jpeg', 422, /square.*1400×1500/],
      [jpegHeader(3200, 3200), 'image/jpeg', 422, /3200×3200/],
      [new Uint8Array(10 * MiB + 1), 'image/png', 413, /10485760 bytes/],
    ];
    for (const [body, type, status, message] of cases) {
      const response = await put(t.call, url, body, type);
      assert.equal(response.statusCode, status, `${type}: ${response.body}`);
      assert.match(response.json().error.message, message);
    }
    assert.equal((await put(t.otherCall, url, pngImage(1400, 1400), 'image/png')).statusCode, 404);
    assert.equal((await t.call('GET', `/api/v1/shows/${showId}`)).json().artwork, null);
    assert.equal(await t.parts.prisma.publicFile.count({ where: { showId } }), 0, 'no file row was written');
  });

  test('transcripts and chapters: checked by type, stored, public only once the episode is published', async () => {
    const { episodeId } = await readyEpisode(t.call);
    const vtt = 'WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello.\n';
    const transcript = await put(
      t.call,
      `/api/v1/episodes/${episodeId}/transcript`,
      vtt,
      'text/vtt; charset=utf-8',
    );
    assert.equal(transcript.statusCode, 200, transcript.body);
    assert.equal(transcript.json().transcript.contentType, 'text/vtt');
    const chapters = {
      version: '1.2.0',
      chapters: [
        { startTime: 0, title: 'Intro' },
        { startTime: 62.5, title: 'Main', url: 'https://example.com', toc: true, endTime: 100 },
      ],
    };
    const withChapters = await put(
      t.call,
      `/api/v1/episodes/${episodeId}/chapters`,
      JSON.stringify(chapters),
      'application/json',
    );
    assert.equal(withChapters.statusCode, 200, withChapters.body);
    const episode = withChapters.json();
    assert.equal(episode.chapters.contentType, 'application/json+chapters');
    assert.equal(episode.transcript.url, transcript.json().transcript.url);

    assert.equal(
      (await fetchPublic(t.app, episode.transcript.url)).statusCode,
      404,
      'a draft publishes nothing',
    );
    assert.equal((await t.call('POST', `/api/v1/episodes/${episodeId}/publish`, {})).statusCode, 200);
    const served = await fetchPublic(t.app, episode.transcript.url);
    assert.equal(served.statusCode, 200);
    assert.equal(served.body, vtt);
    assert.equal(served.headers['access-control-allow-origin'], '*');
    assert.deepEqual((await fetchPublic(t.app, episode.chapters.url)).json(), chapters);

    for (const [kind, body, type, status] of [
      ['transcript', 'just words', 'text/vtt', 422],
      ['transcript', '1\n00:00:00,000 --> 00:00:01,000\nHi\n', 'application/x-subrip', 200],
      [
        'transcript',
        JSON.stringify({ version: '1.0.0', segments: [{ startTime: 0 }] }),
        'application/json',
        422,
      ],
      ['transcript', 'plain words', 'text/plain', 200],
      ['transcript', '<p>hi</p>', 'text/html', 415],
      [
        'chapters',
        JSON.stringify({ version: '1.2.0', chapters: [{ title: 'no start' }] }),
        'application/json',
        422,
      ],
      ['chapters', '{"version":', 'application/json', 422],
      ['chapters', 'WEBVTT', 'text/vtt', 415],
    ] as const) {
      const response = await put(t.call, `/api/v1/episodes/${episodeId}/${kind}`, body, type);
      assert.equal(response.statusCode, status, `${kind} ${type}: ${response.body}`);
    }
    assert.equal(
      (
        await put(
          t.call,
          `/api/v1/episodes/${episodeId}/transcript`,
          Buffer.from([0xff, 0xfe, 0x00]),
          'text/plain',
        )
      ).statusCode,
      422,
      'not UTF-8',
    );
    assert.equal(
      (await put(t.otherCall, `/api/v1/episodes/${episodeId}/transcript`, vtt, 'text/vtt')).statusCode,
      404,
    );
    assert.equal((await t.otherCall('DELETE', `/api/v1/episodes/${episodeId}/chapters`)).statusCode, 404);

    const cleared = await t.call('DELETE', `/api/v1/episodes/${episodeId}/chapters`);
    assert.equal(cleared.statusCode, 200);
    assert.equal(cleared.json().chapters, null);
    assert.equal((await fetchPublic(t.app, episode.chapters.url)).statusCode, 404);
  });
});
