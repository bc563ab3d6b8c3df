import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { engineCandidates, findContainerEngine, noEngineMessage, pingEngine } from './container-engine.ts';

const repoRoot = resolve(import.meta.dirname, '../../../..');
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-engine-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe('container engine detection', () => {
  test('DOCKER_HOST, when set, is the only place looked at', () => {
    assert.deepEqual(engineCandidates({ DOCKER_HOST: 'tcp://10.0.0.5:2375', HOME: '/h' }), [
      'tcp://10.0.0.5:2375',
    ]);
    assert.deepEqual(engineCandidates({ HOME: '/h', XDG_RUNTIME_DIR: '/run/user/1000' }), [
      'unix:///var/run/docker.sock',
      'unix:///run/user/1000/docker.sock',
      'unix:///run/user/1000/podman/podman.sock',
      'unix:///h/.docker/run/docker.sock',
    ]);
  });

  test('a missing socket, a closed port and a malformed address are unreachable', async () => {
    assert.equal(await pingEngine(`unix://${join(dir, 'docker.sock')}`), false);
    assert.equal(await pingEngine(`tcp://127.0.0.1:${await closedPort()}`), false);
    assert.equal(await pingEngine('not a url'), false);
    const probe = await findContainerEngine({ DOCKER_HOST: `unix://${join(dir, 'docker.sock')}` });
    assert.deepEqual(probe, { ok: false, tried: [`unix://${join(dir, 'docker.sock')}`] });
  });

  test('a unix socket answering GET /_ping with 200 is an engine', async (t) => {
    // The smallest answer of the Docker API's ping endpoint; only the probe is under test.
    const { createServer: createHttpServer } = await import('node:http');
    const socketPath = join(dir, 'ping.sock');
    const server = createHttpServer((req, res) => {
      res.writeHead(req.url === '/_ping' ? 200 : 404).end('OK');
    });
    await new Promise<void>((done) => server.listen(socketPath, done));
    t.after(() => server.close());
    assert.deepEqual(await findContainerEngine({ DOCKER_HOST: `unix://${socketPath}` }), {
      ok: true,
      dockerHost: `unix://${socketPath}`,
    });
  });

  test('the runner exits 1 with one line when no engine is reachable', () => {
    const socket = `unix://${join(dir, 'none.sock')}`;
    const result = spawnSync(process.execPath, ['scripts/stack-containers.ts'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', DOCKER_HOST: socket, GATEHOUSE_STACK_DIR: join(dir, 'stack') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(result.status, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `${noEngineMessage([socket])}\n`);
    assert.match(
      result.stderr,
      /^stack-containers: no container engine reachable at unix:\/\/.*; use the project-started stack: npm run stack:up\n$/,
    );
  });
});
