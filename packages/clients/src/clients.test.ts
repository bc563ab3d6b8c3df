import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { checkPostgres, connectNats, connectRedis } from './index.ts';

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('an unreachable Redis rejects with one line naming the URL, and logs nothing', async () => {
  const url = `redis://127.0.0.1:${await closedPort()}`;
  const warnings: string[] = [];
  await assert.rejects(
    connectRedis(url, { logger: { warn: (_object, message) => warnings.push(message) } }),
    (error: Error) => {
      assert.match(
        error.message,
        new RegExp(`^Redis at ${url.replaceAll('.', '\\.')} unreachable \\(.+\\)$`),
      );
      assert.doesNotMatch(error.message, /\n/);
      return true;
    },
  );
  assert.deepEqual(warnings, []);
});

test('an unreachable NATS rejects with one line naming the URL', async () => {
  const url = `nats://127.0.0.1:${await closedPort()}`;
  await assert.rejects(connectNats(url, 'test'), (error: Error) => {
    assert.match(error.message, new RegExp(`^NATS at ${url.replaceAll('.', '\\.')} unreachable \\(.+\\)$`));
    return true;
  });
});

test('a failing Postgres check rejects with the first line of the cause only', async () => {
  const prisma = { $queryRaw: async () => Promise.reject(new Error('connection refused\n  at somewhere')) };
  await assert.rejects(checkPostgres(prisma), { message: 'Postgres unreachable (connection refused)' });
  await checkPostgres({ $queryRaw: async () => [{ one: 1 }] });
});

test('mail to a relay that accepts but never greets fails within the greeting timeout as a 503', async () => {
  const { createServer } = await import('node:net');
  const { createSmtpMailer, SMTP_TIMEOUTS_MS } = await import('./smtp-mailer.ts');
  const sockets = new Set<import('node:net').Socket>();
  const silent = createServer((socket) => sockets.add(socket)); // never writes a 220 greeting
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as import('node:net').AddressInfo;
  const mailer = createSmtpMailer(`smtp://127.0.0.1:${port}`, 'noreply@gatehouse.test');
  const started = Date.now();
  try {
    await assert.rejects(
      mailer.send({ to: 'listener@example.test', subject: 's', text: 't', html: '<p>t</p>' }),
      (error: unknown) => {
        const e = error as { status?: number; code?: string; message?: string };
        assert.equal(e.status, 503);
        assert.equal(e.code, 'DEPENDENCY_UNAVAILABLE');
        assert.equal(e.message, 'mail unavailable');
        return true;
      },
    );
    const took = Date.now() - started;
    assert.ok(took < SMTP_TIMEOUTS_MS.greeting + 3_000, `gave up after ${took} ms`);
  } finally {
    mailer.close();
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});
