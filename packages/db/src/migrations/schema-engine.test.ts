import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unrefTimers } from './schema-engine.ts';

test('unrefTimers unrefs only the glue setTimeout import and keeps its return value', () => {
  let unrefed = 0;
  const timer = { unref: () => void unrefed++ };
  const other = () => 'other';
  const imports = { __wbg_setTimeout_abc123: (_cb: unknown, _ms: number) => timer, __wbg_other_1: other };
  const patched = unrefTimers(imports);
  assert.equal(
    patched.__wbg_setTimeout_abc123(() => {}, 10),
    timer,
  );
  assert.equal(unrefed, 1);
  assert.equal(patched.__wbg_other_1, other);
});
