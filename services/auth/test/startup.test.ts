import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

const baseEnv = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/root',
  LOG_LEVEL: 'silent',
  NATS_URL: 'nats://127.0.0.1:54222',
  TOKEN_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
  TOKEN_ACTIVE_KID: 'k1',
  PUBLIC_BASE_URL: 'http://127.0.0.1:58080',
  MEDIA_INTERNAL_URL: 'http://127.0.0.1:53002',
};

function start(env: Record<string, string>) {
  const result = spawnSync('npx', ['node', 'services/auth/src/main.ts'], {
    cwd: repo,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  // npx itself may warn about the machine's npm config; only the service's own lines count.
  const stderr = result.stderr
    .split('\n')
    .filter((line) => !line.startsWith('npm warn'))
    .join('\n');
  return { code: result.status, stderr };
}

/** A loopback port with nothing listening on it (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('a missing REDIS_URL ends the process with exit 1 and one line naming it', async () => {
  const { code, stderr } = start({ ...baseEnv, PORT: String(await closedPort()) });
  assert.equal(code, 1);
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0]!, /^auth: cannot start: .*REDIS_URL is required/);
});

test('an unreachable Redis ends the process with exit 1 and one line naming it', async () => {
  const port = await closedPort();
  const { code, stderr } = start({
    ...baseEnv,
    REDIS_URL: `redis://127.0.0.1:${port}`,
    PORT: String(await closedPort()),
  });
  assert.equal(code, 1);
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(
    lines[0]!,
    new RegExp(`^auth: cannot start: Redis at redis://127\\.0\\.0\\.1:${port} unreachable`),
  );
});

test('a bad TOKEN_ACTIVE_KID ends the process with exit 1 and one line naming it', async () => {
  const { code, stderr } = start({
    ...baseEnv,
    REDIS_URL: 'redis://127.0.0.1:1',
    TOKEN_ACTIVE_KID: 'k9',
    PORT: String(await closedPort()),
  });
  assert.equal(code, 1);
  assert.match(
    stderr.trim(),
    /^auth: cannot start: TOKEN_KEYS\/TOKEN_ACTIVE_KID: active token key id "k9" is not in the keyring$/,
  );
});
