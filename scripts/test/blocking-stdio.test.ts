/**
 * scripts/lib/blocking-stdio.mjs: with it, `node --test --test-force-exit` reports every test of a
 * file; without it the last verdicts were dropped (a lower count, exit 0; nodejs/node#64833).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const PRELOAD = path.resolve(import.meta.dirname, '..', 'lib', 'blocking-stdio.mjs');
const TESTS = 1500;

test('with the preload, --test-force-exit reports every test of a file, every time', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gh-force-exit-'));
  try {
    const file = path.join(dir, 'many.test.mjs');
    const body = Array.from({ length: TESTS }, (_, i) => `test('t_${i}', () => {});`).join('\n');
    writeFileSync(file, `import { test } from 'node:test';\n${body}\n`);
    for (let run = 0; run < 5; run++) {
      const r = spawnSync(
        process.execPath,
        ['--import', PRELOAD, '--test', '--test-force-exit', '--test-reporter=tap', file],
        // Without NODE_TEST_CONTEXT: this file runs under a test runner, and a child that sees it
        // answers in the runner's protocol instead of TAP.
        { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_TEST_CONTEXT: undefined } },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(
        r.stdout,
        new RegExp(`^# tests ${TESTS}$`, 'm'),
        `run ${run}: ${r.stdout.match(/^# tests \d+$/m)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
