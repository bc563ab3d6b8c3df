import { errors } from '@gatehouse/errors';

/** The value a lookup found, or a 404 naming what was missing. */
export function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw errors.notFound(what);
  return value;
}
