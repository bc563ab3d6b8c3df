import { AppError, isAppError } from './app-error.ts';

/** The body every service answers errors with. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** JSON schema of `ErrorBody`, for route response declarations. */
export const errorBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

interface FrameworkError {
  statusCode?: number;
  code?: string;
  validation?: unknown;
  message?: string;
}

/**
 * Maps anything thrown inside a request to a status and a safe body. Framework errors with a 4xx
 * status (schema validation, malformed JSON, body too large) keep their message; everything else
 * becomes a 500 whose details stay in the log, never in the answer.
 */
export function toHttpError(error: unknown): { status: number; body: ErrorBody; expose: boolean } {
  if (isAppError(error)) {
    const expose = error.status < 500;
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (expose && error.details) body.error.details = { ...error.details };
    return { status: error.status, body, expose: expose || error.status === 503 };
  }
  const framework = error as FrameworkError;
  const status = typeof framework?.statusCode === 'number' ? framework.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = framework.validation ? 'VALIDATION_FAILED' : statusCode(status);
    return { status, body: { error: { code, message: framework.message ?? 'bad request' } }, expose: true };
  }
  const internal = new AppError('INTERNAL', 500, 'internal error');
  return { status: 500, body: { error: { code: internal.code, message: internal.message } }, expose: false };
}

function statusCode(status: number): string {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 406:
      return 'NOT_ACCEPTABLE';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return 'BAD_REQUEST';
  }
}
