import type { Readable } from 'node:stream';
import { errors } from '@gatehouse/errors';
import { ObjectExistsError, ObjectTooLargeError } from '@gatehouse/storage';
import { tenantPrivateFileKey } from './secure-link-path.ts';

/** Writes a private file atomically, refusing to replace one (the local driver's streamed write). */
export type PrivateFileWriter = (
  key: string,
  body: Readable,
  options: { maxBytes: number; overwrite: false },
) => Promise<{ size: number }>;

export interface PrivateFileSettings {
  write: PrivateFileWriter;
  /** `PRIVATE_FILE_MAX_BYTES`. */
  maxBytes: number;
}

/** Files a tenant puts into its own private area, behind nginx secure_link links (seed 003). */
export interface PrivateFileStore {
  /** Stores `body` at `{prefix}t/{tenantId}/{relativePath}`; never replaces a file. */
  store(
    tenantId: string,
    relativePath: string,
    body: Readable,
    declaredBytes: number,
  ): Promise<{ path: string; size: number }>;
}

export function createPrivateFileStore(settings: PrivateFileSettings & { prefix: string }): PrivateFileStore {
  const { maxBytes } = settings;
  const tooLarge = () => errors.payloadTooLarge(`private files are limited to ${maxBytes} bytes`);
  return {
    async store(tenantId, relativePath, body, declaredBytes) {
      const key = tenantPrivateFileKey({ relativePath, prefix: settings.prefix, tenantId });
      if (Number.isFinite(declaredBytes) && declaredBytes > maxBytes) throw tooLarge();
      try {
        const { size } = await settings.write(key, body, { maxBytes, overwrite: false });
        return { path: key, size };
      } catch (error) {
        if (error instanceof ObjectTooLargeError) throw tooLarge();
        if (error instanceof ObjectExistsError)
          throw errors.conflict('a file already exists at this path (files are never replaced)');
        throw error;
      }
    },
  };
}
