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
});

export type ClickEvent = z.infer<typeof clickEventSchema>;
