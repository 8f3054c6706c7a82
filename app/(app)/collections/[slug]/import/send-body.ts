import { envelopeMessage } from '@/components/api-request';

/**
 * Sends a multipart form or a raw file to a route handler (apiRequest sends JSON only) and turns
 * the error envelope into an Error carrying the server's message.
 */
export async function sendBody<T>(
  url: string,
  body: FormData | Blob,
  headers: Record<string, string> = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body, headers, credentials: 'same-origin' });
  } catch {
    throw new Error('Curio could not be reached. Check the connection and try again.');
  }

  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error(envelopeMessage(payload) ?? `The request failed (${response.status}).`);
  }
  return payload as T;
}
