export {
  type AccessClaims,
  type AccessVerification,
  issueAccessToken,
  verifyAccessToken,
} from './access-token.ts';
export {
  type DownloadClaims,
  type DownloadVerification,
  issueDownloadToken,
  verifyDownloadToken,
} from './download-token.ts';
export { type Keyring, parseKeyring } from './keyring.ts';
export {
  SECURE_LINK_DIRECTIVE,
  SECURE_LINK_MD5_EXPRESSION,
  SECURE_LINK_MD5_EXPRESSION_WITH_IP,
  SECURE_LINK_SECRET_PLACEHOLDER,
  type SecureLink,
  type SecureLinkInput,
  secureLinkMd5Directive,
  signSecureLink,
} from './secure-link.ts';
export type { VerifyFailure } from './signed-token.ts';
