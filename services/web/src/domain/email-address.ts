import { errors } from '@gatehouse/errors';

/** The sign-in form of an address: trimmed, lower-cased, plausibly shaped, else 400. */
export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw errors.validation('enter a valid e-mail address');
  return email;
}
