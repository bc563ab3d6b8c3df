import { AppError } from '@gatehouse/errors';

/**
 * The factory's error with a machine-readable `details.reason`, so a page can tell "unknown
 * creator" from "unknown plan" (both NOT_FOUND) or "archived" from "payments not set up" (both CONFLICT).
 */
export const because = (error: AppError, reason: string) =>
  new AppError(error.code, error.status, error.message, { details: { reason } });
