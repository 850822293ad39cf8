/**
 * Puts known clicks into the database the way production does: through the ingest pipeline's own commit
 * (functions/ingest/commit.ts), which inserts the raw clicks and updates every rollup. Analytics tests
 * describe clicks by their enriched columns; everything else gets a neutral value.
 */
import type { ClickRow } from "../../db/schema.ts";
import type { ClickRecord } from "../../functions/ingest/enrich.ts";
import { commitBatch, sqlBatch } from "../../functions/ingest/commit.ts";
import type { Db } from "../../db/client.ts";
import { sql } from "drizzle-orm";

export type ClickSpec = Pick<ClickRow, "linkId" | "visitor"> & {
  ts: Date | string;
  kind?: "human" | "bot" | "preview";
} & Partial<
    Pick<ClickRow, "referrerHost" | "country" | "city" | "device" | "browser" | "os" | "utmSource" | "utmMedium" | "utmCampaign" | "chosenUrl" | "chosenBy">
  >;

/** The enriched record the pipeline would commit for `c` (a new random id). */
export function toRecord(c: ClickSpec): ClickRecord {
  const kind = c.kind ?? "human";
  return {
    id: crypto.randomUUID(),
    link_id: c.linkId,
    ts: new Date(c.ts).toISOString(),
    kind,
    reason: kind === "human" ? null : kind === "bot" ? "isbot" : "head",
    visitor: c.visitor,
    user_agent: null,
    referrer: null,
    referrer_host: c.referrerHost ?? null,
    country: c.country ?? null,
    region: null,
    city: c.city ?? null,
    device: c.device ?? null,
    browser: c.browser ?? null,
    os: c.os ?? null,
    utm_source: c.utmSource ?? null,
    utm_medium: c.utmMedium ?? null,
    utm_campaign: c.utmCampaign ?? null,
    query: null,
    chosen_url: c.chosenUrl ?? null,
    chosen_by: c.chosenBy ?? null,
  };
}

/** Ingests `clicks` (in batches of 1,000) exactly as the pipeline does. */
export async function rollUpClicks(db: Db, clicks: ClickSpec[]): Promise<void> {
  const records = clicks.map(toRecord);
  for (let i = 0; i < records.length; i += 1000) await commitBatch(db, sqlBatch(records.slice(i, i + 1000)));
}

/**
 * Back to nothing sealed, no dimension block (the state after the migration; the fold may always start
 * from it): a test that moves the seal to dates of its own starts here.
 */
export async function resetDimBlocks(db: Db): Promise<void> {
  await db.execute(sql`truncate clicks_dims_blocks`);
  await db.execute(sql`update dims_seal set sealed_before = '1970-01-01'`);
}
