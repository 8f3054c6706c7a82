/**
 * The one error type that crosses layers. Its code decides the HTTP status; its message is safe to
 * show to the user and says what to do. Anything else thrown is a bug: it is logged whole and the
 * client gets a generic message.
 */

export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string };
}

export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toEnvelope(): ErrorEnvelope {
    return { error: { code: this.code, message: this.message } };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Throws a not_found AppError when the value is missing, so callers can stay linear. */
export function found<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null)
    throw new AppError('not_found', `${what} was not found.`);
  return value;
}
