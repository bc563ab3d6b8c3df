import type { OriginUrl } from '@gatehouse/contracts';
import { errors } from '@gatehouse/errors';
import { isObjectKey, type StorageKind } from '@gatehouse/storage';
import type { OriginUrlKeeper } from './origin-url-keeper.ts';
import type { UploadsRepository } from './uploads.service.ts';

/** The origin URL of a stored object, for the auth service's cold path. */
export type OriginLookup = (objectKey: string) => Promise<OriginUrl>;

/**
 * Only ready S3 objects known to the database are signed, so a caller cannot obtain a URL for an
 * arbitrary key in the bucket.
 */
export function createOriginLookup(deps: {
  storageKind: StorageKind;
  uploads: Pick<UploadsRepository, 'isReadyObject'>;
  originKeeper: OriginUrlKeeper;
}): OriginLookup {
  return async (objectKey) => {
    if (!isObjectKey(objectKey)) throw errors.validation('objectKey is not a valid object key');
    if (deps.storageKind !== 's3' || !(await deps.uploads.isReadyObject(objectKey, 's3')))
      throw errors.notFound('object');
    return deps.originKeeper.ensure(objectKey);
  };
}
