import { z } from 'zod';

/**
 * IIIF language maps ({ "en": ["Title"], "none": ["…"] }) flattened for Curio's item metadata: one
 * text per field in a preferred language, with the language kept beside it, and the other
 * languages kept too when there are several. HTML (allowed in IIIF values) is reduced to text.
 */

// Numbers and booleans occur in real Presentation 2 metadata (e.g. "has_fulltext": false).
const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const languageMapSchema = z.union([
  z.record(z.string(), z.union([z.array(scalar), scalar])),
  z.string(),
]);
export type LanguageMap = z.infer<typeof languageMapSchema>;

export interface FlatText {
  text: string;
  /** BCP 47 tag, or null for "none" / plain strings. */
  language: string | null;
  /** Every language's text, only when there is more than one language. */
  translations?: Record<string, string>;
}

/** Languages preferred when a value has several, in order; then whatever comes first. */
const PREFERRED_LANGUAGES = ['en', 'none', '@none'];

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/** Text of an HTML fragment: tags dropped, line breaks kept as spaces, common entities decoded. */
export function htmlToText(value: string): string {
  if (!/[<&]/.test(value)) return value.trim();
  return value
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<\/(p|div|li)>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

function joinValues(values: z.infer<typeof scalar> | z.infer<typeof scalar>[]): string {
  const list = Array.isArray(values) ? values : [values];
  return list
    .map((value) => htmlToText(String(value)))
    .filter((value) => value.length > 0)
    .join('; ');
}

/** The flattened text of a language map, or null when it holds no text at all. */
export function flattenLanguageMap(value: LanguageMap | null | undefined): FlatText | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    const text = htmlToText(value);
    return text ? { text, language: null } : null;
  }

  const texts = Object.entries(value)
    .map(([language, values]) => [language, joinValues(values)] as const)
    .filter(([, text]) => text.length > 0);
  if (texts.length === 0) return null;

  const chosen =
    PREFERRED_LANGUAGES.map((language) => texts.find(([key]) => key === language)).find(
      (entry) => entry !== undefined,
    ) ?? texts[0];
  const language = chosen[0] === 'none' || chosen[0] === '@none' ? null : chosen[0];
  const flat: FlatText = { text: chosen[1], language };
  if (texts.length > 1) flat.translations = Object.fromEntries(texts);
  return flat;
}

/** Just the text, for titles. */
export function languageMapText(value: LanguageMap | null | undefined): string | null {
  return flattenLanguageMap(value)?.text ?? null;
}
