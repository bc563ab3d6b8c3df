import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { stackEnv, uniqueId } from '../src/index.ts';

test('nginx serves a file from .stack/www, whole and as a 206 range', async () => {
  const { staticUrl, wwwDir } = stackEnv();
  const name = `${uniqueId('testkit')}.mp3`;
  const content = 'ID3-gatehouse-static-baseline';
  writeFileSync(join(wwwDir, name), content, { mode: 0o644 });
  try {
    const whole = await fetch(`${staticUrl}/${name}`);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'audio/mpeg');
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.equal(await whole.text(), content);

    // What Apple Podcasts sends first; a host that does not answer 206 is rejected.
    const range = await fetch(`${staticUrl}/${name}`, { headers: { range: 'bytes=0-1' } });
    assert.equal(range.status, 206);
    assert.equal(range.headers.get('content-range'), `bytes 0-1/${content.length}`);
    assert.equal(await range.text(), 'ID');

    const missing = await fetch(`${staticUrl}/${uniqueId('missing')}.mp3`);
    assert.equal(missing.status, 404);
    await missing.arrayBuffer();
  } finally {
    rmSync(join(wwwDir, name), { force: true });
  }
});
