import { ApiError } from '../../../shared/api-client.ts';

// Turns what an API answered into text for the page. Services answer errors as
// `{ error: { code, message, details } }` (@gatehouse/errors); schema violations carry Fastify's
// message, e.g. "body/amount must be >= 50", which names the field the form shows it on.

/** The message and the details of an API error (or of a failed fetch). */
export function apiErrorParts(error: unknown): {
  status: number;
  code: string;
  message: string;
  details?: unknown;
} {
  if (error instanceof ApiError)
    return { status: error.status, code: error.code, message: error.message, details: error.details };
  if (error instanceof Error) return { status: 0, code: 'network', message: error.message };
  return { status: 0, code: 'unknown', message: 'Something went wrong. Try again.' };
}

export function errorMessage(error: unknown): string {
  return apiErrorParts(error).message;
}

/**
 * Which form field an API error is about: the `body/<field>` of a schema violation or a
 * `details.field`, translated through `fieldOf` (API name → form field). Undefined when the error
 * is about the request as a whole.
 */
export function errorField<F extends string>(error: unknown, fieldOf: Record<string, F>): F | undefined {
  const { message, details } = apiErrorParts(error);
  const named =
    details && typeof details === 'object' && 'field' in details ? String(details.field) : undefined;
  const fromPath = /(?:^|\s)body\/([A-Za-z]+)/.exec(message)?.[1];
  const key = named ?? fromPath;
  return key ? fieldOf[key] : undefined;
}

/** Fastify's "body/amount must be >= 50" reads better as "must be >= 50" next to the field. */
export function fieldMessage(error: unknown): string {
  const { message } = apiErrorParts(error);
  return message.replace(/^body\/[A-Za-z]+\s*/, '').replace(/^./, (c) => c.toUpperCase());
}
