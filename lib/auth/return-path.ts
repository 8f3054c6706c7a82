/**
 * Where to go after signing in. Only a path on this site is accepted: "//evil.example" and
 * "/\evil.example" are read by browsers as other hosts, so they fall back to the default.
 */
export const DEFAULT_RETURN_PATH = '/collections';

export function safeReturnPath(value: string | null | undefined): string {
  if (!value || !value.startsWith('/')) return DEFAULT_RETURN_PATH;
  if (value.startsWith('//') || value.startsWith('/\\')) return DEFAULT_RETURN_PATH;
  // Control characters (tabs, newlines) are stripped by URL parsers and can hide a "//".
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return DEFAULT_RETURN_PATH;
  if (value.startsWith('/sign-in')) return DEFAULT_RETURN_PATH;
  return value;
}
