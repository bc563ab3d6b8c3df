import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrismaClient } from '@gatehouse/db';
import { stackEnv } from '@gatehouse/testkit';
import {
  defaultMigrationPaths,
  deployMigrations,
  parseDatabaseUrl,
  withDatabase,
} from '../../db/src/migrations/index.ts';

/**
 * Private real parts for tests that kill them (NATS, Redis) or drain a whole table (the outbox):
 * the same binaries the shared stack runs, on free ports, so stopping one never disturbs the
 * other engineers' tests on the shared stack. A restarted server keeps its data directory, like
 * a real restart.
 */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, up: boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (open === up) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not become ${up ? 'open' : 'closed'}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface PrivateServer {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

async function privateServer(
  bin: string,
  args: (port: number, dir: string) => string[],
  scheme: string,
): Promise<PrivateServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'gh-private-'));
  let child: ChildProcess | undefined;
  const server: PrivateServer = {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn(bin, args(port, dir), { stdio: 'ignore', cwd: dir });
      await waitForPort(port, true);
    },
    async stop() {
      if (!child) return;
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      child = undefined;
      await waitForPort(port, false);
    },
    async dispose() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

export function privateNats(): Promise<PrivateServer> {
  return privateServer(
    stackEnv().bins.natsServer,
    (port, dir) => ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(dir, 'js')],
    'nats',
  );
}

/** Redis with an fsync-always append-only file: what was acknowledged survives a kill. */
export function privateRedis(): Promise<PrivateServer> {
  return privateServer(
    stackEnv().bins.redisServer,
    (port, dir) => [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
    ],
    'redis',
  );
}

/** A freshly migrated database of its own on the shared Postgres (dropped by `drop`). */
export async function privateDatabase() {
  const base = stackEnv().databaseUrl;
  const name = `gh_test_${randomBytes(5).toString('hex')}`;
  const admin = createPrismaClient(base, { poolSize: 1 });
  await admin.$executeRawUnsafe(`CREATE DATABASE ${name}`);
  const url = withDatabase(base, name);
  await deployMigrations({ target: parseDatabaseUrl(url), ...defaultMigrationPaths() });
  return {
    url,
    async drop() {
      await admin.$executeRawUnsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.$disconnect();
    },
  };
}
