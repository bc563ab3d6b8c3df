import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, redactUrl } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

test('redacts authorization, cookies, Stripe signatures and tokens', () => {
  const { lines, stream } = capture();
  const logger = createLogger({ level: 'info', service: 'test' }, stream);
  logger.info({
    headers: { authorization: 'Bearer abc', cookie: 'sid=1', 'stripe-signature': 't=1,v1=ff' },
    token: 'gh1.secret',
  });
  const line = lines.join('');
  for (const secret of ['Bearer abc', 'sid=1', 'v1=ff', 'gh1.secret'])
    assert.ok(!line.includes(secret), secret);
  assert.match(line, /\[redacted\]/);
});

test('redacts tokens inside URLs and signed query parameters', () => {
  assert.equal(redactUrl('/m/AAECAwQFBgcICQoLDA0ODw/ep/file.mp3'), '/m/[token]/ep/file.mp3');
  assert.equal(redactUrl('/x?X-Amz-Signature=abc&y=1'), '/x?X-Amz-Signature=[redacted]&y=1');
});
