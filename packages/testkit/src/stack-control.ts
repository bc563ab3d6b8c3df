import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { StackPart } from './stack-env.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');
const stackScript = resolve(repoRoot, 'scripts/stack.sh');

function runStack(command: 'stop' | 'start', part: StackPart): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [stackScript, command, part], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise(output);
      else reject(new Error(`stack.sh ${command} ${part} exited with ${code}:\n${output}`));
    });
  });
}

/**
 * Stops and starts one part of the shared local stack (resilience tests). `start` waits
 * until the part is healthy again; `stop` until its ports are closed.
 */
export const stackControl = {
  stop: (part: StackPart): Promise<string> => runStack('stop', part),
  start: (part: StackPart): Promise<string> => runStack('start', part),
};
