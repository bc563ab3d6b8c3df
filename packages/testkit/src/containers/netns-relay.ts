import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * The containers suite in a private network namespace (scripts/containers-netns.sh), so it runs
 * beside another checkout's platform that holds the services' fixed ports (53001–53006): inside
 * the namespace those ports are free. The containers publish their ports on the host's loopback,
 * which the namespace cannot reach, so a Unix socket (a file, seen from both sides) carries each
 * connection: inside, `relayPort` listens on 127.0.0.1 and opens the socket with a `<port>\n`
 * header; outside, `serveRelay` reads it and connects to the host's 127.0.0.1:<port>.
 */

const MAX_HEADER = 8;

function parsePort(header: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(header)) return undefined;
  const port = Number(header);
  return port >= 1 && port <= 65_535 ? port : undefined;
}

/**
 * Both directions. Sockets are half-open: an end passes on through the pipe in its direction
 * only (a client may send and half-close before the answer comes); an error ends both.
 */
function splice(a: Socket, b: Socket): void {
  a.pipe(b).pipe(a);
  const fail = () => {
    a.destroy();
    b.destroy();
  };
  a.once('error', fail).once('close', () => b.end());
  b.once('error', fail).once('close', () => a.end());
}

/** Sent by the outer side once the target port accepted: until then the inner side forwards nothing. */
const ACK = 0x06;

/** Outside the namespace: forwards each connection on `socketPath` to the host loopback port its header names. */
export async function serveRelay(socketPath: string): Promise<Server> {
  const server = createServer({ allowHalfOpen: true }, (client) => {
    let header = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      header = Buffer.concat([header, chunk]);
      const newline = header.indexOf(0x0a);
      if (newline < 0) {
        if (header.length > MAX_HEADER) client.destroy();
        return;
      }
      client.off('data', onData);
      client.pause();
      const port = parsePort(header.subarray(0, newline).toString('latin1'));
      if (port === undefined) {
        client.destroy();
        return;
      }
      const upstream = connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => {
        client.write(Buffer.of(ACK));
        const rest = header.subarray(newline + 1);
        if (rest.length > 0) upstream.write(rest);
        splice(client, upstream);
      });
      // Refused (the container is stopped): close without the ack, the inner side refuses too.
      upstream.once('error', () => client.destroy());
    };
    client.on('data', onData);
    client.once('error', () => client.destroy());
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(socketPath, done);
  });
  return server;
}

/** Opens the relay to `port`; resolves with the connection once the target accepted, undefined if it did not. */
function openThrough(socketPath: string, port: number): Promise<Socket | undefined> {
  return new Promise((done) => {
    const upstream = connect({ path: socketPath, allowHalfOpen: true }, () => upstream.write(`${port}\n`));
    const refused = () => {
      upstream.destroy();
      done(undefined);
    };
    // Half-open sockets: the outer side closing without the ack is an 'end', not a 'close'.
    upstream.once('error', refused).once('end', refused).once('close', refused);
    upstream.once('data', (chunk: Buffer) => {
      upstream.off('error', refused).off('end', refused).off('close', refused);
      upstream.pause();
      if (chunk[0] !== ACK) return refused();
      if (chunk.length > 1) upstream.unshift(chunk.subarray(1));
      done(upstream);
    });
  });
}

export interface RelayedPort {
  close(): void;
}

/**
 * Inside the namespace: 127.0.0.1:`listenPort` reaches the host's 127.0.0.1:`port` through the
 * relay socket. It behaves like the container's published port: while the target refuses (a
 * stopped container), the listener is closed, so clients get ECONNREFUSED rather than a
 * connection that opens and drops (which NATS and Redis clients treat differently); it listens
 * again once the target accepts.
 */
export async function relayPort(socketPath: string, port: number, listenPort = port): Promise<RelayedPort> {
  let closed = false;
  let down = false;
  const server = createServer({ allowHalfOpen: true }, async (client) => {
    client.pause();
    client.once('error', () => client.destroy());
    const upstream = await openThrough(socketPath, port);
    if (!upstream) {
      client.resetAndDestroy();
      markDown();
      return;
    }
    upstream.once('error', () => client.destroy());
    splice(client, upstream);
  });
  const listen = () =>
    new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(listenPort, '127.0.0.1', () => {
        server.off('error', fail);
        done();
      });
    });
  function markDown(): void {
    if (down || closed) return;
    down = true;
    server.close();
    const probe = async () => {
      if (closed) return;
      const upstream = await openThrough(socketPath, port);
      if (!upstream) {
        setTimeout(probe, 100).unref();
        return;
      }
      upstream.destroy();
      await listen().then(
        () => {
          down = false;
        },
        () => setTimeout(probe, 100).unref(),
      );
    };
    setTimeout(probe, 100).unref();
  }
  await listen();
  return {
    close: () => {
      closed = true;
      server.close();
    },
  };
}
