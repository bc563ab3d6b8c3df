import type { ChildProcess } from 'node:child_process';
import { StopWaiting } from './test-helpers.ts';

/**
 * Keeps the last `lines` lines a child wrote to stdout and stderr, so a harness can quote why a
 * process it started died (CI keeps the console, not the harness's log files).
 */
export function keepOutputTail(child: ChildProcess, lines = 20): () => string {
  let kept: string[] = [];
  let partial = '';
  const take = (chunk: Buffer | string) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    kept = kept.concat(parts).slice(-lines);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return () => [...kept, ...(partial ? [partial] : [])].slice(-lines).join('\n');
}

/**
 * For a `waitFor` condition: throws `StopWaiting` (ends the wait at once) when `child` has
 * exited, naming its exit code or signal and quoting its last output.
 */
export function stopIfExited(name: string, child: ChildProcess, tail?: () => string): void {
  if (child.exitCode === null && child.signalCode === null) return;
  const how = child.exitCode !== null ? `code ${child.exitCode}` : `signal ${child.signalCode}`;
  const output = tail?.();
  throw new StopWaiting(`${name} exited with ${how}${output ? `; its last output:\n${output}` : ''}`);
}
