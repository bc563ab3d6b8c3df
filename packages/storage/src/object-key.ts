/**
 * Object keys. A key names one immutable version of a file: `t/{tenantId}/e/{episodeId}/{version}/{fileName}`,
 * where `version` is the upload id, so a replaced file always gets a new key and the edge cache (keyed by
 * object key) can never serve stale bytes. Keys use `[A-Za-z0-9/._-]` only: they travel in
 * `X-Accel-Redirect` (which nginx %-decodes) and become paths in the local protected directory.
 */

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9/._-]*$/;
const ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;
const MAX_FILE_NAME = 120;
/** Letters NFKD does not decompose into ASCII. */
const TRANSLITERATE: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  ø: 'o',
  Ø: 'O',
  œ: 'oe',
  Œ: 'OE',
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
  þ: 'th',
  Þ: 'TH',
};

export class InvalidFileNameError extends Error {
  constructor(reason: string) {
    super(`invalid file name: ${reason}`);
    this.name = 'InvalidFileNameError';
  }
}

export class InvalidObjectKeyError extends Error {
  constructor(reason: string) {
    super(`invalid object key: ${reason}`);
    this.name = 'InvalidObjectKeyError';
  }
}

/** Throws unless `key` is a safe relative key: allowed characters, no empty, `.` or `..` segments. */
export function assertObjectKey(key: string): void {
  if (key.length === 0 || key.length > 1024) throw new InvalidObjectKeyError('length');
  if (!KEY_PATTERN.test(key)) throw new InvalidObjectKeyError('characters outside [A-Za-z0-9/._-]');
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..')
      throw new InvalidObjectKeyError('empty or dot segment');
  }
}

export const isObjectKey = (key: string): boolean => {
  try {
    assertObjectKey(key);
    return true;
  } catch {
    return false;
  }
};

/**
 * Turns a client's file name into a safe one. Rejects what can only be an attack or a broken client
 * (path separators, `..`, control characters, invalid UTF-8 — which arrives as U+FFFD or a lone
 * surrogate); transliterates the rest to `[A-Za-z0-9._-]`, keeping the extension.
 */
export function safeFileName(input: string): string {
  if (!input.isWellFormed() || input.includes('\uFFFD')) throw new InvalidFileNameError('not valid UTF-8');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(input)) throw new InvalidFileNameError('control characters');
  if (/[/\\]/.test(input)) throw new InvalidFileNameError('path separators');
  if (input === '.' || input === '..' || input.includes('..')) throw new InvalidFileNameError('dot segments');
  const ascii = input
    .replace(/[ßæÆøØœŒđĐłŁþÞ]/g, (c) => TRANSLITERATE[c] ?? '-')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+/, '')
    .replace(/-+(\.[A-Za-z0-9]+)$/, '$1');
  if (!/[A-Za-z0-9]/.test(ascii)) {
    throw new InvalidFileNameError('no usable characters');
  }
  if (ascii.length <= MAX_FILE_NAME) return ascii;
  const dot = ascii.lastIndexOf('.');
  const extension = dot > 0 && ascii.length - dot <= 10 ? ascii.slice(dot) : '';
  return ascii.slice(0, MAX_FILE_NAME - extension.length) + extension;
}

function assertIds(ids: Record<string, string>): void {
  for (const [name, value] of Object.entries(ids)) {
    if (!ID_PATTERN.test(value)) throw new InvalidObjectKeyError(`${name} is not an id`);
  }
}

/** Builds the versioned key of one upload of one episode's media. */
export function mediaObjectKey(input: {
  tenantId: string;
  episodeId: string;
  uploadId: string;
  fileName: string;
}): string {
  const { tenantId, episodeId, uploadId } = input;
  assertIds({ tenantId, episodeId, uploadId });
  const key = `t/${tenantId}/e/${episodeId}/${uploadId}/${safeFileName(input.fileName)}`;
  assertObjectKey(key);
  return key;
}

/** Builds the key of a show's public file (artwork, a transcript, chapters): one key per stored version. */
export function publicFileObjectKey(input: {
  tenantId: string;
  showId: string;
  fileId: string;
  fileName: string;
}): string {
  const { tenantId, showId, fileId } = input;
  assertIds({ tenantId, showId, fileId });
  const key = `t/${tenantId}/s/${showId}/f/${fileId}/${safeFileName(input.fileName)}`;
  assertObjectKey(key);
  return key;
}
