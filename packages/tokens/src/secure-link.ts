import { createHash } from 'node:crypto';

/**
 * Links nginx verifies by itself (ngx_http_secure_link_module, seed 003): files under the private
 * prefixes are served by `/s/...` with `?md5=…&expires=…`, and the app is never touched, not even
 * on a cache miss. nginx computes MD5 over the expression below, base64url-encodes it without
 * padding and compares it with `$arg_md5`; an `expires` in the past makes `$secure_link` "0".
 *
 * The expressions are exported so the nginx renderer writes exactly the string this module signs.
 * `<secret>` is the placeholder the renderer replaces with the configured secret.
 */
export const SECURE_LINK_SECRET_PLACEHOLDER = '<secret>';
export const SECURE_LINK_DIRECTIVE = 'secure_link $arg_md5,$arg_expires;';
export const SECURE_LINK_MD5_EXPRESSION = '$secure_link_expires$uri <secret>';
/** Variant that also binds the link to the client address (`clientIp` given when signing). */
export const SECURE_LINK_MD5_EXPRESSION_WITH_IP = '$secure_link_expires$uri$remote_addr <secret>';

/** Renders the `secure_link_md5` directive for a secret (the secret must not contain `"` or `$`). */
export function secureLinkMd5Directive(secret: string, options: { bindClientIp?: boolean } = {}): string {
  assertSecret(secret);
  const expression = options.bindClientIp ? SECURE_LINK_MD5_EXPRESSION_WITH_IP : SECURE_LINK_MD5_EXPRESSION;
  return `secure_link_md5 "${expression.replace(SECURE_LINK_SECRET_PLACEHOLDER, secret)}";`;
}

export interface SecureLinkInput {
  /** The decoded request path nginx sees as `$uri`, e.g. `/s/private/show/file.mp3`. */
  path: string;
  /** Unix seconds after which nginx answers 410. */
  expiresAt: number;
  secret: string;
  /** Bind to one client address (requires the `$remote_addr` expression at the edge). */
  clientIp?: string;
}

export interface SecureLink {
  md5: string;
  expires: string;
  /** Path with percent-encoded segments plus the query, ready to append to the public base URL. */
  url: string;
}

// `$uri` is nginx's normalized path: `//`, `/./`, `/../` would be rewritten before hashing, so a
// link signed over them could never verify. Refuse them instead of producing dead links.
const NON_NORMAL = /\/\/|\/\.\.?(\/|$)/;
// Query/fragment markers, `%` (the path is signed decoded) and control characters.
const hasUnsafeChar = (path: string) => {
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x3f || code === 0x23 || code === 0x25) return true;
  }
  return false;
};

export function signSecureLink(input: SecureLinkInput): SecureLink {
  const { path, expiresAt, secret, clientIp } = input;
  if (!path.startsWith('/') || NON_NORMAL.test(path) || hasUnsafeChar(path)) {
    throw new TypeError('secure link path must be a normalized absolute path without ?, #, % or controls');
  }
  if (!Number.isSafeInteger(expiresAt) || expiresAt <= 0)
    throw new RangeError('expiresAt must be unix seconds');
  assertSecret(secret);
  const expires = String(expiresAt);
  const md5 = createHash('md5')
    .update(`${expires}${path}${clientIp ?? ''} ${secret}`, 'utf8')
    .digest('base64url');
  const encodedPath = path.split('/').map(encodeURIComponent).join('/');
  return { md5, expires, url: `${encodedPath}?md5=${md5}&expires=${expires}` };
}

function assertSecret(secret: string): void {
  // The secret is written into nginx.conf between double quotes, where `$` starts a variable.
  if (secret.length < 16 || /["$\s\\;{}]/.test(secret)) {
    throw new TypeError(
      'secure link secret must be ≥ 16 characters without quotes, $, \\, ;, braces or spaces',
    );
  }
}
