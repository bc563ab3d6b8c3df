import type { Readable } from 'node:stream';
import { errors } from '@gatehouse/errors';

/**
 * Reads a request body into memory up to `maxBytes`, stopping (413) as soon as it is larger — or at
 * once when the declared Content-Length already is. For small files only (artwork, transcripts,
 * chapters): they are checked whole before anything is stored.
 */
export async function readLimited(
  body: Readable,
  maxBytes: number,
  declaredBytes: number,
): Promise<Uint8Array> {
  const tooLarge = () => errors.payloadTooLarge(`files of this kind are limited to ${maxBytes} bytes`);
  if (Number.isFinite(declaredBytes) && declaredBytes > maxBytes) {
    body.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // Not destroyed on the early exit: that would close the socket before the 413 is written; the
  // rest of the body is read and dropped instead.
  for await (const chunk of body.iterator({ destroyOnReturn: false })) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > maxBytes) {
      body.resume();
      throw tooLarge();
    }
    chunks.push(bytes);
  }
  if (size === 0) throw errors.validation('the request body is empty: send the file as the body');
  return new Uint8Array(Buffer.concat(chunks, size));
}
