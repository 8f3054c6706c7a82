import { upgrade } from '@iiif/parser/upgrader';
import { z } from 'zod';
import { safeFetch, type SafeFetchOptions } from '../safe-fetch';
import { collectionSchema, documentTypeSchema, manifestSchema, memberSchema } from './iiif-schema';

/**
 * Fetches a IIIF document and brings it to Presentation 3: a Presentation 2 manifest or collection
 * is upgraded with @iiif/parser, then the parts Curio reads are validated. Failures are values
 * whose reason names the URL.
 */

export const MAX_IIIF_DOCUMENT_BYTES = 16 * 1024 * 1024;

const IIIF_ACCEPT =
  'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json", application/ld+json, application/json;q=0.9';

export type IiifDocument =
  | { kind: 'manifest'; manifest: z.infer<typeof manifestSchema>; raw: Record<string, unknown> }
  | { kind: 'collection'; id: string; members: z.infer<typeof memberSchema>[]; skipped: number };

export type DocumentResult = { ok: true; document: IiifDocument } | { ok: false; reason: string };

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'document'}: ${issue.message}` : 'invalid';
}

/** Upgrades and validates an already parsed JSON document. */
export function readIiifDocument(json: unknown, url: string): DocumentResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: `${url} is not a IIIF manifest or collection (not a JSON object)` };
  }

  let upgraded: unknown;
  try {
    // The upgrader rewrites parts of its input in place; the original stays intact for the
    // report's Presentation 2 checks and the licence lookup.
    upgraded = upgrade(structuredClone(json) as Parameters<typeof upgrade>[0]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `${url} could not be read as IIIF (${message})` };
  }

  const type = documentTypeSchema.safeParse(upgraded);
  if (!type.success) {
    return { ok: false, reason: `${url} is neither a IIIF Manifest nor a Collection` };
  }

  if (type.data.type === 'Collection') {
    const collection = collectionSchema.safeParse(upgraded);
    if (!collection.success) {
      return {
        ok: false,
        reason: `${url} is a malformed collection (${firstIssue(collection.error)})`,
      };
    }
    const parsed = collection.data.items.map((member) => memberSchema.safeParse(member));
    const members = parsed.flatMap((result) => (result.success ? [result.data] : []));
    return {
      ok: true,
      document: {
        kind: 'collection',
        id: collection.data.id,
        members,
        skipped: parsed.length - members.length,
      },
    };
  }

  const manifest = manifestSchema.safeParse(upgraded);
  if (!manifest.success) {
    return { ok: false, reason: `${url} is a malformed manifest (${firstIssue(manifest.error)})` };
  }
  return {
    ok: true,
    document: { kind: 'manifest', manifest: manifest.data, raw: json as Record<string, unknown> },
  };
}

export async function fetchIiifDocument(
  url: string,
  options: SafeFetchOptions = {},
): Promise<DocumentResult> {
  const fetched = await safeFetch(url, {
    maxBytes: MAX_IIIF_DOCUMENT_BYTES,
    accept: IIIF_ACCEPT,
    ...options,
  });
  if (!fetched.ok) return fetched;

  let json: unknown;
  try {
    json = JSON.parse(fetched.body.bytes.toString('utf8'));
  } catch {
    return { ok: false, reason: `${url} did not return JSON` };
  }
  return readIiifDocument(json, url);
}
