/**
 * The short URL's query as the query conditions read it: parsed once per visit into a map from name to its
 * values, so each condition is one lookup whatever the query holds. A scan of the pairs per condition made
 * 50 rules of 10 conditions against a 15 KB query (3,010 pairs) cost 20 ms of CPU, twice what Workers Free
 * allows an invocation (`npm run bench:routing` measures the worst case).
 *
 * Only the start of the query is read, so what a visitor sends cannot make the read grow: the first
 * QUERY_READ_CHARS characters (as much as a click records of the query, functions/redirect/capture.ts), cut
 * at the last `&` (a cut inside `ref=beta2` would leave `ref=beta`), and of those the first QUERY_READ_PAIRS
 * pairs (empty ones, `&&`, are not pairs). A parameter past either bound is absent to the conditions; it is
 * still forwarded to the destination. Ordinary queries (campaign tags, a click id) are far inside both.
 */
export const QUERY_READ_CHARS = 2048;
export const QUERY_READ_PAIRS = 100;

/** Name to the set of its values (`?a` and `?a=` both give ""), as URLSearchParams decodes them. */
export type QueryIndex = ReadonlyMap<string, ReadonlySet<string>>;

/** The part of `text` read: whole pairs, at most QUERY_READ_PAIRS of them, within QUERY_READ_CHARS. */
function readPart(text: string): string {
  const within = text.length <= QUERY_READ_CHARS ? text : text.slice(0, Math.max(0, text.lastIndexOf("&", QUERY_READ_CHARS)));
  // Cut after the last pair read, so URLSearchParams parses no pair that would be dropped.
  let end = 0;
  for (let pairs = 0; pairs < QUERY_READ_PAIRS && end < within.length; ) {
    const amp = within.indexOf("&", end);
    const next = amp < 0 ? within.length : amp;
    if (next > end) pairs++;
    end = next + 1;
  }
  return end >= within.length ? within : within.slice(0, end - 1);
}

export function queryIndex(text: string): QueryIndex {
  const index = new Map<string, Set<string>>();
  if (!text) return index;
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(readPart(text));
  } catch {
    return index;
  }
  for (const [name, value] of params) {
    let values = index.get(name);
    if (!values) index.set(name, (values = new Set()));
    values.add(value);
  }
  return index;
}
