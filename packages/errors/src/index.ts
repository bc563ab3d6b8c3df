export { AppError, type ErrorCode, errors, isAppError } from './app-error.ts';
export { type ErrorBody, errorBodySchema, toHttpError } from './http-error-mapper.ts';
