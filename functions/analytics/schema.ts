/** The stats routes' query and answer, as zod schemas: they validate and they write the OpenAPI document. */
import { z } from "@hono/zod-openapi";
import { botModes } from "../../db/queries/stats.ts";
import { HostnameRef } from "../shared/hostnames.ts";
import { isTimeZone } from "./zoned-time.ts";

export const StatsQuery = z.object({
  domain: HostnameRef.optional().openapi({
    description: "Per link: the link's domain (default: the default domain). All links: only links on this domain (default: every domain).",
  }),
  from: z.string().optional().openapi({
    description:
      "ISO 8601 start, inclusive. A date (2026-03-01) is that whole local day in `tz`; a date-time without offset is wall time in `tz`. Floored to the UTC hour. Default: `to` minus 7 days.",
    example: "2026-03-01",
  }),
  to: z.string().optional().openapi({
    description: "ISO 8601 end, exclusive; a date includes that local day. Ceiled to the UTC hour. Default: now.",
    example: "2026-03-31",
  }),
  interval: z.enum(["hour", "day"]).optional().openapi({
    description: "Time-series bucket. Default: hour for ranges up to 2 days, else day. Hour: at most 366 days.",
  }),
  tz: z
    .string()
    .refine(isTimeZone, "is not a known IANA time zone (e.g. Europe/Berlin)")
    .default("UTC")
    .openapi({ description: "IANA time zone of day buckets and of `t` offsets.", example: "Europe/Berlin" }),
  bots: z.enum(botModes).default("exclude").openapi({
    description: "What `clicks` counts: humans only, everything, or bots and previews only.",
  }),
  limit: z.coerce.number().int().min(1).max(100).default(10).openapi({
    description: "Top values kept per dimension (1..100).",
  }),
  format: z.enum(["json", "csv"]).optional().openapi({
    description: "csv answers text/csv (as does `Accept: text/csv`); json wins over the Accept header.",
  }),
});
export type StatsQuery = z.infer<typeof StatsQuery>;

const Count = z.number().int().nonnegative();
const TopValue = z
  .object({
    value: z.string().nullable().openapi({ description: "null: unknown or none (for referrers: direct traffic)." }),
    clicks: Count,
  })
  .openapi("TopValue");

const Variant = z
  .object({
    value: z.string().openapi({ description: "The variant's URL, as stored on the link." }),
    clicks: Count.openapi({ description: "Clicks it served, as `bots` counts them." }),
    humans: Count,
    uniques: Count.openapi({ description: "Visitor-days whose first human click on the link this variant served." }),
  })
  .openapi("VariantResult");

const Live = z
  .object({
    clicks: Count.openapi({ description: "Every click served, all time: ingested plus pending." }),
    humans: Count,
    ingested: z.object({ clicks: Count, humans: Count }).openapi({ description: "All-time totals already in the rollups." }),
    pending: z.object({ clicks: Count, humans: Count }).openapi({
      description: "Served and waiting in the click stream, not yet in the rollups: not yet in any other figure.",
    }),
    complete: z.boolean().openapi({
      description: "False when the stream held more waiting entries than one read looks at: pending is then a lower bound.",
    }),
  })
  .nullable()
  .openapi("LiveCounter", {
    description: "Clicks visible within seconds, before ingestion. null for all links, or when Redis does not answer.",
  });

const statsFields = {
  from: z.string().openapi({ description: "Start of the range actually counted (UTC, whole hour)." }),
  to: z.string().openapi({ description: "End of the range actually counted, exclusive." }),
  interval: z.enum(["hour", "day"]),
  tz: z.string(),
  bots: z.enum(botModes),
  totals: z.object({ clicks: Count, humans: Count, bots: Count, previews: Count, uniques: Count }),
  timeseries: z.array(
    z.object({
      t: z.string().openapi({ description: "Bucket start, ISO 8601 with the zone's offset." }),
      clicks: Count,
      humans: Count,
      uniques: Count,
    }),
  ),
  referrers: z.array(TopValue),
  countries: z.array(TopValue),
  cities: z.array(TopValue),
  devices: z.array(TopValue),
  browsers: z.array(TopValue),
  os: z.array(TopValue),
  utmSources: z.array(TopValue),
  utmMediums: z.array(TopValue),
  utmCampaigns: z.array(TopValue),
  destinations: z.array(TopValue).openapi({
    description:
      "Per link: the URLs routing chose (a rule's, a variant's, the link's url, or the fallback), before query forwarding. Empty for all links.",
  }),
  variants: z.array(Variant).openapi({ description: "Per link: the A/B result, one entry per variant URL. Empty for all links." }),
  live: Live,
};

export const Stats = z.object(statsFields).openapi("Stats");
export type Stats = z.infer<typeof Stats>;

export const AllStats = z
  .object({
    ...statsFields,
    topLinks: z.array(
      z.object({
        slug: z.string().nullable().openapi({ description: "null when the link was deleted." }),
        domain: z.string().nullable().openapi({ description: "The link's custom domain (a hostname); null on the default domain, or when the link was deleted." }),
        linkId: z.string(),
        clicks: Count,
      }),
    ),
  })
  .openapi("AllLinksStats");
export type AllStats = z.infer<typeof AllStats>;

export const Csv = z.string().openapi({
  description: "One table: section,key,clicks,humans,uniques (sections: totals, timeseries, each dimension, topLinks).",
});

