export { LocalStorageDriver, type LocalStorageSettings } from './local-storage-driver.ts';
export {
  assertObjectKey,
  InvalidFileNameError,
  InvalidObjectKeyError,
  isObjectKey,
  mediaObjectKey,
  publicFileObjectKey,
  safeFileName,
} from './object-key.ts';
export { S3StorageDriver, type S3StorageSettings } from './s3-storage-driver.ts';
export {
  type CompletedPart,
  MultipartUploadNotFoundError,
  ObjectExistsError,
  type ObjectHead,
  ObjectNotFoundError,
  ObjectTooLargeError,
  type PresignedUrl,
  type StorageDriver,
  type StorageKind,
  StorageNotSupportedError,
  type StoredPart,
  type UploadTarget,
} from './storage-driver.ts';
