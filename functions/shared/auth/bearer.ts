/** The key of `Authorization: Bearer <key>`, or null when the header is absent or not of that form. */
export function bearerToken(header: string | undefined): string | null {
  const m = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return m ? m[1] : null;
}
