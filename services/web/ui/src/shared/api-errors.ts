import { ApiError } from './api-client.ts';

/** A message a person can act on, for any error a request or the browser threw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Your session ended. Sign in again.';
    if (error.status === 403 && error.code === 'csrf_invalid')
      return 'This page is out of date. Reload it and try again.';
    return error.message;
  }
  if (error instanceof TypeError)
    return 'The server could not be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Puts an API error on the form field it is about (e.g. a 409 "slug taken" on `slug`), or returns
 * the message for a form-level alert when it names no field.
 */
export function fieldErrorOf(
  error: unknown,
  fieldsByStatus: Partial<Record<number, string>>,
): { field: string; message: string } | null {
  if (!(error instanceof ApiError)) return null;
  const field = fieldsByStatus[error.status];
  return field ? { field, message: error.message } : null;
}
