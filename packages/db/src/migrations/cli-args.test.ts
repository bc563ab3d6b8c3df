import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMigrateArgs, UsageError } from './cli-args.ts';

test('parses deploy and dev --name in both spellings', () => {
  assert.deepEqual(parseMigrateArgs(['deploy']), { kind: 'deploy' });
  assert.deepEqual(parseMigrateArgs(['dev', '--name', 'add plans']), { kind: 'dev', name: 'add plans' });
  assert.deepEqual(parseMigrateArgs(['dev', '--name=add_plans']), { kind: 'dev', name: 'add_plans' });
  assert.deepEqual(parseMigrateArgs([]), { kind: 'help' });
  assert.deepEqual(parseMigrateArgs(['--help']), { kind: 'help' });
});

test('rejects unknown commands, stray arguments and a missing name', () => {
  for (const argv of [
    ['up'],
    ['deploy', 'now'],
    ['dev'],
    ['dev', '--name'],
    ['dev', '--name', '--x'],
    ['dev', '--name='],
    ['dev', '--force'],
  ]) {
    assert.throws(() => parseMigrateArgs(argv), UsageError, argv.join(' '));
  }
});
