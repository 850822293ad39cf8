/**
 * The settings of the destination checks (merged into functions/shared/env.ts; docs/abuse.md). Without
 * SAFE_BROWSING_API_KEY only the blocklist is checked.
 */
import { z } from "zod";

export const abuseEnv = {
  /** A Google API key with the Safe Browsing API enabled: destinations are then checked with its Lookup API v4. */
  SAFE_BROWSING_API_KEY: z.string().min(1).optional(),
  /** Origin of the Safe Browsing API; the default is Google's. Tests point it at a local stand-in (dev/safe-browsing-standin.ts). */
  SAFE_BROWSING_URL: z.url({ protocol: /^https?$/ }).default("https://safebrowsing.googleapis.com"),
  /** Milliseconds a lookup may take before the write goes on without its verdict (and the link is re-checked soon). */
  SAFE_BROWSING_TIMEOUT_MS: z.coerce.number().int().min(100).max(10_000).default(2000),
};
