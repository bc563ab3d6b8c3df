/**
 * One error type for the whole platform. `code` is stable (clients and tests match on it),
 * `status` is the HTTP status, `message` is safe to show. `cause` is kept for logs only.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(
    code: string,
    status: number,
    message: string,
    options?: { details?: Record<string, unknown>; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = options?.details;
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** The error factory: every error the platform answers with is made here, with its stable code. */
export const errors = {
  badRequest: (message: string, details?: Record<string, unknown>) =>
    new AppError('BAD_REQUEST', 400, message, details ? { details } : undefined),
  validation: (message: string, details?: Record<string, unknown>) =>
    new AppError('VALIDATION_FAILED', 400, message, details ? { details } : undefined),
  unauthenticated: (message = 'missing or invalid credentials') =>
    new AppError('UNAUTHENTICATED', 401, message),
  invalidToken: (message = 'invalid token') => new AppError('INVALID_TOKEN', 401, message),
  forbidden: (message = 'not entitled') => new AppError('FORBIDDEN', 403, message),
  notFound: (what: string) => new AppError('NOT_FOUND', 404, `${what} not found`),
  conflict: (message: string) => new AppError('CONFLICT', 409, message),
  gone: (message = 'this link has been replaced') => new AppError('GONE', 410, message),
  payloadTooLarge: (message: string) => new AppError('PAYLOAD_TOO_LARGE', 413, message),
  unsupportedMediaType: (message: string) => new AppError('UNSUPPORTED_MEDIA_TYPE', 415, message),
  rangeNotSatisfiable: (message = 'range not satisfiable') =>
    new AppError('RANGE_NOT_SATISFIABLE', 416, message),
  unprocessable: (message: string, details?: Record<string, unknown>) =>
    new AppError('UNPROCESSABLE', 422, message, details ? { details } : undefined),
  // Sign-in (docs: PRODUCT-PLAN "Sign-in and sessions"; the pages match on these lower-case codes).
  linkInvalid: (message = 'this sign-in link is not valid') => new AppError('link_invalid', 400, message),
  linkExpired: (message = 'this sign-in link was already used or has expired; request a new one') =>
    new AppError('link_expired', 410, message),
  csrfInvalid: (message = 'missing or invalid X-CSRF-Token for this session; reload the page') =>
    new AppError('csrf_invalid', 403, message),
  tooManyRequests: (message = 'too many requests') => new AppError('RATE_LIMITED', 429, message),
  dependencyUnavailable: (dependency: string, cause?: unknown) =>
    new AppError('DEPENDENCY_UNAVAILABLE', 503, `${dependency} unavailable`, { cause }),
  internal: (cause?: unknown) => new AppError('INTERNAL', 500, 'internal error', { cause }),
} as const;

export type ErrorCode = ReturnType<(typeof errors)[keyof typeof errors]>['code'];
