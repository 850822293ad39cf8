/**
 * One CSV cell as every CSV we write has it (RFC 4180, OWASP's CSV-injection rule): a text starting with a
 * spreadsheet formula trigger (= + - @, tab, CR) gets a leading apostrophe, so Excel, Sheets and LibreOffice
 * show it as text instead of running it; so does one that starts with an apostrophe itself, which makes the
 * rule reversible (undoDefuse), as a round trip through our own export format must be. Then it is quoted when
 * it holds a delimiter, a quote, a line break or edge spaces.
 */
const DEFUSE = /^[=+\-@\t\r']/;

export function csvCell(v: string): string {
  const s = DEFUSE.test(v) ? `'${v}` : v;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A cell of our own CSV as it was before csvCell defused it (other tools' files are read as written). */
export const undoDefuse = (v: string): string => (v.startsWith("'") ? v.slice(1) : v);
