import { z } from 'zod';
import { AppError, isAppError } from './errors';
import { createLogger } from './log';

/**
 * Shared plumbing for route handlers: JSON bodies parsed with zod, and every failure mapped to
 * the `{ error: { code, message } }` envelope. Unexpected errors are logged whole and the client
 * only learns that something went wrong.
 */

const log = createLogger('http');

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

export function json(data: unknown, init?: ResponseInit): Response {
  return Response.json(data, init);
}

export function errorResponse(error: unknown): Response {
  if (isAppError(error)) return Response.json(error.toEnvelope(), { status: error.status });

  log.error('A request failed with an unexpected error.', { error });
  const envelope = new AppError('internal', 'Something went wrong on the server; it was logged.');
  return Response.json(envelope.toEnvelope(), { status: envelope.status });
}

/** Wraps a handler so that any thrown error becomes an error envelope. */
export function handle<Args extends unknown[]>(
  handler: (...args: Args) => Promise<Response> | Response,
): (...args: Args) => Promise<Response> {
  return async (...args: Args) => {
    try {
      return await handler(...args);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
}

/** Parses a value with a schema, turning a failure into a 422 that names each bad field. */
export function parseWith<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError(
      'validation_failed',
      `The ${what} is invalid: ${describeIssues(result.error)}.`,
    );
  }
  return result.data;
}

/** Reads a JSON request body of bounded size and validates it. */
export async function readJson<T extends z.ZodType>(
  request: Request,
  schema: T,
): Promise<z.infer<T>> {
  // A form or text/plain body is what a cross-site <form> can send without a CORS preflight;
  // refusing it adds a second line behind the Origin check, and tells a script what to send.
  const contentType = request.headers.get('content-type');
  const mediaType = contentType?.split(';')[0].trim().toLowerCase();
  if (mediaType && mediaType !== 'application/json' && !mediaType.endsWith('+json')) {
    throw new AppError(
      'unsupported_media_type',
      `Send the request body as JSON (Content-Type: application/json), not ${mediaType}.`,
    );
  }

  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_JSON_BODY_BYTES) {
    throw new AppError(
      'payload_too_large',
      `The request body is larger than ${MAX_JSON_BODY_BYTES} bytes.`,
    );
  }

  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_JSON_BODY_BYTES) {
    throw new AppError(
      'payload_too_large',
      `The request body is larger than ${MAX_JSON_BODY_BYTES} bytes.`,
    );
  }

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError('bad_request', 'The request body is not valid JSON.');
  }
  return parseWith(schema, body, 'request body');
}

/** Parses a numeric route parameter such as an id. */
export function idParam(value: string | undefined, what: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new AppError('bad_request', `The ${what} id "${value}" is not a number.`);
  return id;
}
