import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../../..');

export interface ServiceExit {
  /** Exit code; null when the process was killed (it hung past the timeout). */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stderr: string;
  /** Non-empty stderr lines, without npm's own warnings. */
  lines: string[];
  stdout: string;
}

/**
 * Runs `services/<name>/src/main.ts` with exactly `env` (plus PATH and HOME) and waits for it
 * to exit — for start-up tests where bad configuration must end the process with one line.
 * A process still running after `timeoutMs` is killed and reported with `timedOut: true`.
 */
export function runServiceExpectingFailure(
  serviceDir: string,
  env: Record<string, string>,
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
): Promise<ServiceExit> {
  const main = resolve(repoRoot, serviceDir, 'src/main.ts');
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [main], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('npm warn'));
      done({ code, signal, timedOut, stderr, lines, stdout });
    });
  });
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}
