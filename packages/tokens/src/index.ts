export { type AccessClaims, type AccessVerification, issueAccessToken, verifyAccessToken } from './access-token.ts';
export {
  type DownloadClaims,
  type DownloadVerification,
  issueDownloadToken,
  verifyDownloadToken,
} from './download-token.ts';
export { type Keyring, parseKeyring } from './keyring.ts';
export type { VerifyFailure } from './signed-token.ts';
