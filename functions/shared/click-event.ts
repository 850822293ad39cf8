/**
 * The click event: what the redirect hands to the pipeline (Redis stream, or the Postgres inbox when Redis
 * is down). Everything the cron needs to classify, enrich and count a click, captured at the edge.
 */
import { z } from "zod";

export const clickKinds = ["human", "bot", "preview"] as const;
export type ClickKind = (typeof clickKinds)[number];

export const clickEventSchema = z.object({
  /** Minted at the edge (crypto.randomUUID); the idempotency key of the whole pipeline. */
  id: z.string().min(1).max(64),
  linkId: z.string().min(1),
  slug: z.string(),
  /** Epoch milliseconds when the redirect was served. */
  ts: z.number().int().nonnegative(),
  kind: z.enum(clickKinds),
  /** Why it is not human (ClickReason in classify.ts): "isbot" | "head" | "prefetch" | "preview-fetcher" | "no-user-agent"; null for humans. */
  reason: z.string().nullable(),
  /** Hex SHA-256 of (daily salt, IP, user agent): uniques without keeping an IP. */
  visitor: z.string(),
  ua: z.string().nullable(),
  referrer: z.string().nullable(),
  country: z.string().nullable(),
  region: z.string().nullable(),
  city: z.string().nullable(),
  /** Query string of the short URL request, without "?". */
  query: z.string().nullable(),
  /** The destination the visitor was sent to (its query string carries UTM too). */
  dest: z.string().nullable(),
  /**
   * Routing (docs/routing.md). Not named "destination": next to `dest` that would read as the same thing,
   * and it is not. `dest` is the URL served, with the short URL's query forwarded onto it; `chosenUrl` is the
   * URL as stored on the link (a rule's, a variant's, the link's url, or its fallbackUrl), before query
   * forwarding, so that the clicks of one destination group together in stats whatever query each carried.
   * null when the destination was withheld. Optional: events captured before routing existed lack both.
   */
  chosenUrl: z.string().nullable().optional(),
  /**
   * What chose chosenUrl, as formatChosenBy writes it: "rule:<i>", "variant:<i>" or "url"; null when routing
   * did not run (a fallback, a withheld answer). The ingest keeps only values parseChosenBy reads.
   */
  chosenBy: z.string().nullable().optional(),
});

export type ClickEvent = z.infer<typeof clickEventSchema>;

/**
 * The stream entry's field "e" holds either one ClickEvent (format 1, what a batch of one click still is, and
 * what dead-letter replay puts back) or a batch: `{"v":2,"clicks":[ClickEvent,...]}` (functions/redirect/
 * click-batch.ts). Same field for both so every reader of "e" (the ingest, dead letters and their replay)
 * carries batches unchanged; a ClickEvent has no "v", so the two cannot be confused.
 */
export const CLICK_BATCH_VERSION = 2;

/** The largest CAPTURE_MAX_BYTES allowed: what bounds a batch entry's size (functions/ingest/limits.ts). */
export const CAPTURE_MAX_BYTES_LIMIT = 800 * 1024;

const BATCH_HEAD = `{"v":${CLICK_BATCH_VERSION},"clicks":[`;
const BATCH_TAIL = "]}";
/** Bytes the batch envelope adds around its clicks (the commas are counted per click). */
export const BATCH_OVERHEAD = BATCH_HEAD.length + BATCH_TAIL.length;

/** The entry text for clicks already serialized as JSON (the concatenation spares a second stringify). */
export function encodeClickEntry(eventJsons: readonly string[]): string {
  return eventJsons.length === 1 ? eventJsons[0] : BATCH_HEAD + eventJsons.join(",") + BATCH_TAIL;
}

/** An entry value read back: the clicks of a batch, or the value itself when it is one click (or not an object). */
export function entryClicks(value: unknown): { clicks: unknown[] } | { reason: string } {
  if (value === null || typeof value !== "object" || Array.isArray(value) || !("v" in value)) return { clicks: [value] };
  const batch = value as { v: unknown; clicks?: unknown };
  if (batch.v !== CLICK_BATCH_VERSION) return { reason: `unknown click batch version ${JSON.stringify(batch.v)?.slice(0, 20)}` };
  if (!Array.isArray(batch.clicks) || batch.clicks.length === 0) return { reason: "not a click batch: clicks is not a non-empty array" };
  return { clicks: batch.clicks };
}
