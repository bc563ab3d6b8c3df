import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { edgeInstance } from './edge-instance.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'gh-edge-instance-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('made once beside the log, then read back by every later shipper', async () => {
  const file = path.join(dir, 'one.log.instance');
  const made = await edgeInstance(file);
  assert.match(made, /^[0-9a-f]{32}$/);
  assert.equal(readFileSync(file, 'utf8').trim(), made);
  assert.equal(await edgeInstance(file), made);
  assert.notEqual(
    await edgeInstance(path.join(dir, 'other.log.instance')),
    made,
    'another log, another edge',
  );
});

test('shippers starting at once agree on one instance', async () => {
  const file = path.join(dir, 'race.log.instance');
  const all = await Promise.all(Array.from({ length: 8 }, () => edgeInstance(file)));
  assert.equal(new Set(all).size, 1);
});

test('a malformed file is an error, not a new identity', async () => {
  const file = path.join(dir, 'bad.log.instance');
  writeFileSync(file, 'not-an-id\n');
  await assert.rejects(edgeInstance(file), /malformed/);
});
