/**
 * The language ranges a visitor accepts (RFC 9110 Accept-Language), lower case, without those of quality 0
 * ("not acceptable") and without `*`; a malformed entry (bad quality) is skipped, not guessed at. Any
 * positive quality counts: a rule for `de` serves a visitor who reads German second best.
 */
const MAX_HEADER = 1024;
const MAX_RANGES = 32;
const MEMO_MAX = 500;
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

function parse(header: string): readonly string[] {
  const out: string[] = [];
  // Cut at the last whole entry: a cut inside "fr;q=0" would leave "fr", accepted at quality 1.
  const text = header.length <= MAX_HEADER ? header : header.slice(0, header.lastIndexOf(",", MAX_HEADER) + 1);
  for (const entry of text.split(",")) {
    if (out.length >= MAX_RANGES) break;
    const [rangePart, ...params] = entry.split(";");
    const range = rangePart.trim().toLowerCase();
    if (!range || range === "*") continue;
    let q = 1;
    for (const p of params) {
      const [k, v = ""] = p.split("=");
      if (k.trim().toLowerCase() !== "q") continue;
      const text = v.trim();
      q = QVALUE.test(text) ? Number(text) : NaN;
    }
    if (q > 0) out.push(range);
  }
  return out;
}

// Isolate-lifetime memo: browsers send a handful of distinct headers. Bounded, cleared whole when full.
const memo = new Map<string, readonly string[]>();

export function acceptedLanguages(header: string): readonly string[] {
  if (!header) return [];
  let hit = memo.get(header);
  if (!hit) {
    hit = parse(header);
    if (memo.size >= MEMO_MAX) memo.clear();
    if (header.length <= MAX_HEADER) memo.set(header, hit);
  }
  return hit;
}

/** `tag` (lower case) is accepted: the same range, or a more specific one (`en` is accepted by `en-US`). */
export function acceptsLanguage(ranges: readonly string[], tag: string): boolean {
  for (const r of ranges) {
    if (r === tag || (r.length > tag.length && r.startsWith(tag) && r.charCodeAt(tag.length) === 45 /* - */)) return true;
  }
  return false;
}
