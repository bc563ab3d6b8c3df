// The one way pages talk to the APIs: same-origin fetch through the edge, JSON in and out, the
// session's CSRF token on every write, and the API's error body turned into an ApiError whose
// message can be shown next to the form that caused it.

/**
 * The error body every Gatehouse service answers with (@gatehouse/errors):
 * `{ error: { code, message, details? } }`; a flat `{ code, message }` is read too.
 */
export interface ApiErrorBody {
  code?: string;
  message?: string;
  details?: unknown;
  error?: { code?: string; message?: string; details?: unknown };
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, body: ApiErrorBody) {
    const error = body.error ?? body;
    super(error.message ?? `request failed (${status})`);
    this.status = status;
    this.code = error.code ?? 'error';
    this.details = error.details;
  }
}

let csrfToken: string | undefined;

/** Set from the session (`GET /web/v1/session`); sent as X-CSRF-Token on every non-GET request. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  return answer<T>(response);
}

/** The CSRF header for a same-origin write made outside `api` (e.g. an XMLHttpRequest with progress). */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

/** Sends a file as the raw request body (artwork, transcripts, chapters): its type as Content-Type. */
export async function apiPutFile<T>(path: string, file: Blob, contentType: string): Promise<T> {
  const response = await fetch(path, {
    method: 'PUT',
    headers: { accept: 'application/json', 'content-type': contentType, ...csrfHeaders() },
    credentials: 'same-origin',
    body: file,
  });
  return answer<T>(response);
}

async function answer<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) throw new ApiError(response.status, (parsed as ApiErrorBody | undefined) ?? {});
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}
