import { errorBodySchema } from '@gatehouse/observability';
import Type from 'typebox';

/** A UTC calendar day. */
export const Day = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' });

/** Error responses by status, all in the one error body shape. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, errorBodySchema])) as Record<
    number,
    typeof errorBodySchema
  >;
}
/** Every authenticated route can answer these. */
export const authErrors = [400, 401, 403] as const;
