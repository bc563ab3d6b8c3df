import { domainToASCII } from 'node:url';

/**
 * Validates a custom domain a creator points at the platform. Stored lower-case, ASCII (IDNs as
 * punycode), no port, no trailing dot; IP literals and single-label names are refused because a
 * certificate cannot be issued for them by the reconciler.
 */
export function normalizeHostname(
  input: string,
): { ok: true; hostname: string } | { ok: false; reason: string } {
  const trimmed = input.trim().replace(/\.$/, '');
  if (trimmed === '' || /[\s/:@?#\\]/.test(trimmed))
    return { ok: false, reason: 'must be a bare host name (no scheme, port or path)' };
  const ascii = domainToASCII(trimmed);
  if (ascii === '') return { ok: false, reason: 'not a valid host name' };
  if (ascii.length > 253) return { ok: false, reason: 'longer than 253 characters' };
  const labels = ascii.split('.');
  if (labels.length < 2) return { ok: false, reason: 'needs at least two labels' };
  for (const label of labels) {
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label))
      return { ok: false, reason: `invalid label "${label}"` };
  }
  if (/^[0-9]+$/.test(labels.at(-1) ?? '')) return { ok: false, reason: 'IP addresses are not allowed' };
  if (ascii.endsWith('.localhost') || ascii.endsWith('.local') || ascii.endsWith('.internal')) {
    return { ok: false, reason: 'reserved domain' };
  }
  return { ok: true, hostname: ascii };
}
