/** UUID text ⇄ 16 bytes, strict: anything but 36 chars of canonical hex form is refused. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function uuidToBytes(uuid: string): Buffer {
  if (!UUID.test(uuid)) throw new TypeError('not a lower-case canonical UUID');
  return Buffer.from(uuid.replaceAll('-', ''), 'hex');
}

export function bytesToUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** base64url without padding, and a decoder that refuses anything outside that alphabet. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;
export function decodeBase64Url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  // Re-encoding must give the same text: rejects non-canonical trailing bits (a second spelling of one token).
  return bytes.toString('base64url') === text ? bytes : undefined;
}
