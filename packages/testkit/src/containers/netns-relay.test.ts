import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { closedPort } from '../service-process.ts';
import { waitFor } from '../test-helpers.ts';
import { type RelayedPort, relayPort, serveRelay } from './netns-relay.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-relay-'));
const servers: (Server | RelayedPort)[] = [];
after(() => {
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function listen(server: Server, port = 0): Promise<number> {
  servers.push(server);
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return (server.address() as { port: number }).port;
}

/** Sends `message`, half-closes, and resolves with everything the peer answered (or the connect error's code). */
function exchange(port: number, message: Buffer): Promise<Buffer | string> {
  return new Promise((done) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.end(message));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
    socket.once('close', () => done(Buffer.concat(chunks)));
  });
}

describe('network namespace relay', () => {
  test('a connection to the inner port reaches the target port, both ways, byte for byte', async () => {
    // An echo server that prefixes its answer, so the test sees the target answered.
    const target = await listen(
      createServer((socket) => {
        socket.write('echo:');
        socket.pipe(socket);
      }),
    );
    const socketPath = join(dir, 'relay.sock');
    servers.push(await serveRelay(socketPath));
    // The inner listener needs a port of its own here (one namespace): not the target's.
    const inner = await closedPort();
    servers.push(await relayPort(socketPath, target, inner));
    const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    const answer = await exchange(inner, payload);
    assert.ok(Buffer.isBuffer(answer), `answer: ${answer}`);
    assert.equal(answer.subarray(0, 5).toString(), 'echo:');
    assert.ok(answer.subarray(5).equals(payload), 'the payload comes back unchanged');
  });

  test('a bad header is closed; the relay serves on', async () => {
    const socketPath = join(dir, 'relay-2.sock');
    servers.push(await serveRelay(socketPath));
    const bad = await new Promise<string>((done) => {
      const socket = connect(socketPath, () => socket.write('99999999999\n'));
      socket.once('close', () => done('closed'));
      socket.resume();
    });
    assert.equal(bad, 'closed');
    const target = await listen(createServer((socket) => socket.end('ok')));
    const inner = await closedPort();
    servers.push(await relayPort(socketPath, target, inner));
    assert.equal(String(await exchange(inner, Buffer.from('x'))), 'ok');
  });

  test('a stopped target refuses at the inner port too (like a stopped container), and serves again once back', async () => {
    const socketPath = join(dir, 'relay-3.sock');
    servers.push(await serveRelay(socketPath));
    const targetPort = await closedPort();
    const inner = await closedPort();
    servers.push(await relayPort(socketPath, targetPort, inner));
    // The first connection finds the target down: reset, and the inner port closes.
    assert.match(String(await exchange(inner, Buffer.from('x'))), /^(ECONNRESET|ECONNREFUSED|)$/);
    await waitFor(async () => (await exchange(inner, Buffer.from('x'))) === 'ECONNREFUSED' || undefined, {
      timeoutMs: 3000,
    });
    await listen(
      createServer((socket) => socket.end('back')),
      targetPort,
    );
    const answer = await waitFor(
      async () => {
        const got = await exchange(inner, Buffer.from('x'));
        return String(got) === 'back' ? got : undefined;
      },
      { timeoutMs: 3000 },
    );
    assert.equal(String(answer), 'back');
  });
});
