import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import {
  type ContainerPart,
  readContainersFile,
  startContainerPart,
  stopContainerPart,
} from './containers/container-control.ts';
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
 * The containers option (scripts/stack-containers.ts) runs this part as a container: it is
 * stopped and started through the Docker API instead of stack.sh.
 */
function containerOf(part: StackPart) {
  if (process.env.GATEHOUSE_STACK !== 'containers') return undefined;
  const file = readContainersFile(process.env.STACK_DIR || resolve(repoRoot, '.stack'));
  return file?.parts[part as ContainerPart] ? file : undefined;
}

async function control(command: 'stop' | 'start', part: StackPart): Promise<string> {
  const file = containerOf(part);
  if (!file) return runStack(command, part);
  if (command === 'stop') await stopContainerPart(file, part as ContainerPart);
  else await startContainerPart(file, part as ContainerPart);
  return `${part}: container ${command === 'stop' ? 'stopped' : 'started and healthy'}`;
}

/**
 * Stops and starts one part of the local stack (resilience tests). `start` waits until the
 * part is healthy again; `stop` until it is down.
 */
export const stackControl = {
  stop: (part: StackPart): Promise<string> => control('stop', part),
  start: (part: StackPart): Promise<string> => control('start', part),
};
