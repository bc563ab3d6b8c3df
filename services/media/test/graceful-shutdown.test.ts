import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { test } from 'node:test';
import { onShutdown } from '@gatehouse/observability';
import { waitFor } from '@gatehouse/testkit';
import Fastify from 'fastify';

// Issue 2 item 5: SIGTERM drains in-flight requests. No real route can be held open without
// a full upload set-up, so this runs the same pieces main.ts wires (onShutdown around a
// Fastify app's close) with a route registered only here, whose completion the test controls.

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

test('SIGTERM: the in-flight request completes, new connections are refused, exit 0', async (t) => {
  const app = Fastify();
  let entered = false;
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  app.get(
    '/slow',
    { schema: { response: { 200: { type: 'object', properties: { done: { type: 'boolean' } } } } } },
    async () => {
      entered = true;
      await released;
      return { done: true };
    },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };

  const exits: number[] = [];
  const logs: string[] = [];
  const dispose = onShutdown(() => app.close(), {
    graceMs: 10_000,
    log: (message) => logs.push(message),
    exit: (code) => exits.push(code),
  });
  t.after(dispose);

  const inFlight = get(port, '/slow');
  await waitFor(() => entered, { description: 'the slow request reached its handler' });
  process.kill(process.pid, 'SIGTERM');
  await waitFor(() => connectionRefused(port), { description: 'the listener closed' });
  assert.deepEqual(exits, [], 'the process must not exit while a request is in flight');

  release();
  assert.deepEqual(await inFlight, { status: 200, body: '{"done":true}' });
  await waitFor(() => exits.length > 0, { description: 'shutdown finished' });
  assert.deepEqual(exits, [0]);
  assert.deepEqual(logs, ['received SIGTERM, draining']);
});
