import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import {
  SECURE_LINK_DIRECTIVE,
  SECURE_LINK_MD5_EXPRESSION,
  SECURE_LINK_MD5_EXPRESSION_WITH_IP,
  secureLinkMd5Directive,
  signSecureLink,
} from './secure-link.ts';

const secret = 's3cr3t-s3cr3t-s3cr3t';

/** The recipe from the nginx secure_link documentation, run through openssl: an independent MD5. */
function opensslMd5(text: string): string {
  const digest = execFileSync('openssl', ['md5', '-binary'], { input: Buffer.from(text, 'utf8') });
  return digest.toString('base64').replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '');
}

describe('nginx secure_link links', () => {
  test('known vectors (computed with openssl when written)', () => {
    const plain = signSecureLink({ path: '/s/private/show/episode-1.mp3', expiresAt: 2147483647, secret });
    assert.equal(plain.md5, '8QjQQRP4x1VVTM864XZ2iQ');
    assert.equal(plain.url, '/s/private/show/episode-1.mp3?md5=8QjQQRP4x1VVTM864XZ2iQ&expires=2147483647');
    const bound = signSecureLink({
      path: '/s/private/a b/é.mp3',
      expiresAt: 1700000000,
      secret,
      clientIp: '203.0.113.7',
    });
    assert.equal(bound.md5, 'IM_ea23yROQYEk8arIPB2w');
    // $uri is the decoded path; the URL carries it percent-encoded.
    assert.equal(bound.url, '/s/private/a%20b/%C3%A9.mp3?md5=IM_ea23yROQYEk8arIPB2w&expires=1700000000');
  });

  test('matches openssl over the exact nginx expression for random inputs', (t) => {
    try {
      execFileSync('openssl', ['version']);
    } catch {
      t.skip('openssl is not installed');
      return;
    }
    for (let i = 0; i < 20; i++) {
      const path = `/s/p${i}/${Math.random().toString(36).slice(2)}.mp3`;
      const expiresAt = 1_800_000_000 + i * 7919;
      const clientIp = i % 2 ? `10.0.0.${i}` : undefined;
      const expression = (clientIp ? SECURE_LINK_MD5_EXPRESSION_WITH_IP : SECURE_LINK_MD5_EXPRESSION)
        .replace('$secure_link_expires', String(expiresAt))
        .replace('$uri', path)
        .replace('$remote_addr', clientIp ?? '')
        .replace('<secret>', secret);
      assert.equal(signSecureLink({ path, expiresAt, secret, clientIp }).md5, opensslMd5(expression));
    }
  });

  test('renders the directives nginx needs', () => {
    assert.equal(SECURE_LINK_DIRECTIVE, 'secure_link $arg_md5,$arg_expires;');
    assert.equal(secureLinkMd5Directive(secret), `secure_link_md5 "$secure_link_expires$uri ${secret}";`);
    assert.equal(
      secureLinkMd5Directive(secret, { bindClientIp: true }),
      `secure_link_md5 "$secure_link_expires$uri$remote_addr ${secret}";`,
    );
  });

  test('refuses paths nginx would normalize and unsafe secrets', () => {
    for (const path of ['s/x', '/s//x', '/s/./x', '/s/../x', '/s/x/..', '/s/x?y', '/s/%41']) {
      assert.throws(() => signSecureLink({ path, expiresAt: 10, secret }), TypeError, path);
    }
    assert.throws(() => signSecureLink({ path: '/s/x', expiresAt: 1.5, secret }), RangeError);
    for (const bad of ['short', 'has"quote-long-enough', 'has$dollar-long-enough', 'has space long enough']) {
      assert.throws(() => signSecureLink({ path: '/s/x', expiresAt: 10, secret: bad }), TypeError, bad);
    }
  });
});
