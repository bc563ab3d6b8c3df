import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogOf, episodeView, showView } from './feed-fixtures.ts';
import { assembleFeed, FeedTemplateCache } from './feed-template.ts';

const BASE = 'https://media.example.com';
const render = (catalog: ReturnType<typeof catalogOf>) =>
  assembleFeed(
    new FeedTemplateCache().get(catalog, { kind: 'public' }, { baseUrl: BASE }, Date.UTC(2026, 5, 1)),
    undefined,
  )
    .body()
    .toString('utf8');

test('stored artwork, transcript and chapters become itunes:image, podcast:transcript and podcast:chapters', () => {
  const episode = episodeView({
    transcriptUrl: 'https://elsewhere.example/t.srt',
    transcriptFile: { path: '/api/v1/public/files/t1/transcript.vtt', contentType: 'text/vtt' },
    chaptersFile: { path: '/api/v1/public/files/c1/chapters.json', contentType: 'application/json+chapters' },
  });
  const xml = render(
    catalogOf(
      [episode],
      showView({
        artworkPath: '/api/v1/public/files/a1/artwork.png',
        itunesType: 'serial',
        ownerName: 'Owner Name',
        copyright: '© 2026 Acme',
      }),
    ),
  );
  assert.match(
    xml,
    /<itunes:image href="https:\/\/media\.example\.com\/api\/v1\/public\/files\/a1\/artwork\.png"\/>/,
  );
  assert.match(
    xml,
    /<image><url>https:\/\/media\.example\.com\/api\/v1\/public\/files\/a1\/artwork\.png<\/url>/,
  );
  assert.match(xml, /<itunes:type>serial<\/itunes:type>/);
  assert.match(xml, /<copyright>© 2026 Acme<\/copyright>/);
  assert.match(xml, /<itunes:owner><itunes:name>Owner Name<\/itunes:name>/);
  assert.match(xml, /<itunes:author>Ann Author<\/itunes:author>/);
  assert.match(
    xml,
    /<podcast:transcript url="https:\/\/media\.example\.com\/api\/v1\/public\/files\/t1\/transcript\.vtt" type="text\/vtt"\/>/,
  );
  assert.doesNotMatch(xml, /elsewhere\.example/, 'the stored transcript wins over the URL');
  assert.match(
    xml,
    /<podcast:chapters url="https:\/\/media\.example\.com\/api\/v1\/public\/files\/c1\/chapters\.json" type="application\/json\+chapters"\/>/,
  );
});

test('without stored files the URLs stay; an active custom domain moves feed, enclosure and file URLs', () => {
  const plain = render(catalogOf([episodeView({ chaptersUrl: 'https://x.example/c.json' })]));
  assert.match(plain, /<itunes:image href="https:\/\/img\.example\.com\/cover\.jpg"\/>/);
  assert.match(plain, /<podcast:chapters url="https:\/\/x\.example\/c\.json"/);
  assert.match(plain, /<itunes:type>episodic<\/itunes:type>/);

  const onDomain = render(
    catalogOf(
      [episodeView()],
      showView({
        customDomain: 'podcast.creator.example',
        artworkPath: '/api/v1/public/files/a1/artwork.jpg',
      }),
    ),
  );
  assert.match(onDomain, /<enclosure url="https:\/\/podcast\.creator\.example\/pub\//);
  assert.match(onDomain, /<atom:link href="https:\/\/podcast\.creator\.example\/p\/acme\/the-show\.xml"/);
  assert.match(
    onDomain,
    /<itunes:image href="https:\/\/podcast\.creator\.example\/api\/v1\/public\/files\/a1\/artwork\.jpg"/,
  );
  assert.doesNotMatch(onDomain, /media\.example\.com/);
});
