import { connect } from 'node:net';

/**
 * One HTTP/1.1 request written byte for byte over a socket: the abuse tests send what no
 * well-behaved client library lets through (invalid UTF-8, un-normalised `..`, huge headers).
 */
export interface RawResponse {
  /** 0 when the server closed without an HTTP answer. */
  status: number;
  head: string;
  body: Buffer;
}

export function rawRequest(url: string, request: Buffer | string, timeoutMs = 5000): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`raw request timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset after the answer is fine; 'close' resolves
    socket.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const head = (split < 0 ? all : all.subarray(0, split)).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({
        status: match ? Number(match[1]) : 0,
        head,
        body: split < 0 ? Buffer.alloc(0) : all.subarray(split + 4),
      });
    });
    socket.write(request);
  });
}

/** A GET for `target` (sent verbatim) with extra header lines, closing the connection after. */
export function rawGet(target: Buffer | string, headers: string[] = []): Buffer {
  return Buffer.concat([
    Buffer.from('GET '),
    Buffer.isBuffer(target) ? target : Buffer.from(target, 'latin1'),
    Buffer.from(
      ` HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`,
      'latin1',
    ),
  ]);
}
