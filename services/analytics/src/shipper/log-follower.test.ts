import assert from 'node:assert/strict';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { type GapReason, LogFollower } from './log-follower.ts';
import { FilePositionStore } from './log-position.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'gh-follower-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function rig(options: { rotateBytes?: number; graceMs?: number } = {}) {
  const log = path.join(dir, `records-${++n}.log`);
  const gaps: GapReason[] = [];
  let clock = 0;
  let reopened = 0;
  const make = () =>
    new LogFollower(
      log,
      {
        graceMs: options.graceMs ?? 50,
        rotateBytes: options.rotateBytes ?? 0,
        reopen: async () => {
          reopened++;
        },
        onGap: (reason) => gaps.push(reason),
        now: () => clock,
      },
      64,
    );
  return {
    log,
    gaps,
    make,
    tick: (ms: number) => {
      clock += ms;
    },
    reopened: () => reopened,
  };
}

/** Reads until nothing is new; returns every line and the last chunk. */
async function drain(follower: LogFollower) {
  const lines: string[] = [];
  let last: Awaited<ReturnType<LogFollower['read']>>;
  for (let chunk = await follower.read(); chunk; chunk = await follower.read()) {
    lines.push(...chunk.lines);
    last = chunk;
  }
  return { lines, last };
}

test('complete lines only, across small reads; the position is after the last newline', async () => {
  const r = rig();
  const text = 'first line\nsecond line that is longer than one read of 64 bytes, so it spans reads\npart';
  writeFileSync(r.log, text);
  const f = r.make();
  await f.start(undefined);
  const { lines, last } = await drain(f);
  assert.deepEqual(lines, [
    'first line',
    'second line that is longer than one read of 64 bytes, so it spans reads',
  ]);
  assert.equal(last?.end.offset, text.length - 'part'.length);
  appendFileSync(r.log, 'ial third\n');
  assert.deepEqual((await drain(f)).lines, ['partial third']);
  await f.close();
});

test('restart from a saved position re-reads nothing before it', async () => {
  const r = rig();
  writeFileSync(r.log, 'a\nb\n');
  const store = new FilePositionStore(`${r.log}.position`);
  const first = r.make();
  await first.start(await store.load());
  const { last } = await drain(first);
  await store.save(last!.end);
  await first.close();
  appendFileSync(r.log, 'c\n');
  const second = r.make();
  await second.start(await store.load());
  assert.deepEqual((await drain(second)).lines, ['c']);
  await second.close();
});

test('rename rotation: the old file is finished (late writes too) before the new one, nothing lost', async () => {
  const r = rig();
  writeFileSync(r.log, 'old 1\n');
  const f = r.make();
  await f.start(undefined);
  assert.deepEqual((await drain(f)).lines, ['old 1']);
  renameSync(r.log, `${r.log}.1`);
  writeFileSync(r.log, 'new 1\n');
  // A worker that has not reopened yet still writes to the old file (flushing its buffer).
  appendFileSync(`${r.log}.1`, 'old 2\n');
  assert.deepEqual((await drain(f)).lines, ['old 2'], 'old file first, until it is quiet');
  r.tick(60);
  const switched = await drain(f);
  assert.deepEqual(switched.lines, ['new 1']);
  assert.deepEqual(r.gaps, []);
  await f.close();
});

test('self rotation: rename to .shipping, nginx asked to reopen, the old file retired after it is read', async () => {
  const r = rig({ rotateBytes: 10 });
  writeFileSync(r.log, 'line one\nline two\n');
  const f = r.make();
  await f.start(undefined);
  assert.deepEqual((await drain(f)).lines, ['line one', 'line two']);
  assert.equal(r.reopened(), 1);
  assert.ok(existsSync(`${r.log}.shipping`) && !existsSync(r.log));
  writeFileSync(r.log, 'after reopen\n'); // what nginx's reopen creates
  appendFileSync(`${r.log}.shipping`, 'flushed at reopen\n');
  assert.deepEqual((await drain(f)).lines, ['flushed at reopen']);
  r.tick(60);
  const next = await f.read();
  assert.equal(next?.retire, `${r.log}.shipping`);
  assert.deepEqual((await drain(f)).lines, ['after reopen']);
  await f.close();
});

test('restart while a rotated file is unfinished resumes it, then the new file', async () => {
  const r = rig();
  writeFileSync(r.log, 'r1\nr2\n');
  const store = new FilePositionStore(`${r.log}.position`);
  const first = r.make();
  await first.start(undefined);
  const chunk = await first.read();
  assert.deepEqual(chunk?.lines, ['r1', 'r2']);
  await store.save({ ino: chunk!.end.ino, offset: 3 }); // only r1 was acknowledged
  await first.close();
  renameSync(r.log, `${r.log}.shipping`);
  writeFileSync(r.log, 'n1\n');
  const second = r.make();
  await second.start(await store.load());
  assert.deepEqual((await drain(second)).lines, ['r2']);
  r.tick(60);
  assert.deepEqual((await drain(second)).lines, ['n1']);
  assert.deepEqual(r.gaps, []);
  await second.close();
});

test('gaps are reported: truncated file, checkpoint file gone', async () => {
  const r = rig();
  writeFileSync(r.log, 'x1\nx2\n');
  const f = r.make();
  await f.start(undefined);
  await drain(f);
  truncateSync(r.log, 0);
  appendFileSync(r.log, 'y\n');
  await drain(f);
  assert.deepEqual(r.gaps, ['truncated']);
  assert.deepEqual((await drain(f)).lines, ['y']);
  await f.close();

  const gone = r.make();
  await gone.start({ ino: 999_999_999, offset: 10 });
  assert.deepEqual(r.gaps, ['truncated', 'rotated-away']);
  await gone.close();
});

test('a read that fills the buffer is not at the end; the short one after it is (the shipper then waits)', async () => {
  const r = rig();
  // 100 bytes of lines against the rig's 64-byte reads.
  writeFileSync(r.log, `${'x'.repeat(49)}\n${'y'.repeat(49)}\n`);
  const f = r.make();
  await f.start(undefined);
  const first = await f.read();
  assert.deepEqual([first?.lines, first?.atEnd], [['x'.repeat(49)], false]);
  const second = await f.read();
  assert.deepEqual([second?.lines, second?.atEnd], [['y'.repeat(49)], true]);
  assert.equal(await f.read(), undefined);
  await f.close();
});
