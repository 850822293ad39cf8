/** What both stats routes do once their path is known: resolve the range, read, shape, negotiate JSON or CSV. */
import type { Context } from "hono";
import { accepts } from "hono/accepts";
import { ALL_LINKS, type Dimension } from "../../db/schema.ts";
import type { AppEnv } from "../shared/app-env.ts";
import { ApiError } from "../shared/errors.ts";
import { statsToCsv } from "./csv.ts";
import { readLive } from "./live.ts";
import { resolveRange } from "./range.ts";
import { readStats } from "../../db/queries/stats.ts";
import type { StatsQuery } from "./schema.ts";
import { buildStats, DIMENSION_FIELDS, LINK_ONLY_DIMENSION_FIELDS } from "./build-stats.ts";
import { linkScopeOf, resolveDomainRef } from "../api/domains/resolve.ts";

const SHARED_DIMS: Dimension[] = DIMENSION_FIELDS.map(([d]) => d);
const LINK_DIMS: Dimension[] = [...SHARED_DIMS, ...LINK_ONLY_DIMENSION_FIELDS.map(([d]) => d)];
const ALL_DIMS: Dimension[] = [...SHARED_DIMS, "link"];

function wantsCsv(c: Context<AppEnv>, format: StatsQuery["format"]): boolean {
  if (format) return format === "csv";
  return accepts(c, { header: "Accept", supports: ["application/json", "text/csv"], default: "application/json" }) === "text/csv";
}

/**
 * `slug` null: every link the key sees (with topLinks), on `q.domain` when given; else the link `slug` on
 * `q.domain` (the default domain when absent). A link the key may not see is a 404, as a missing one.
 */
export async function serveStats(c: Context<AppEnv>, slug: string | null, q: StatsQuery): Promise<Response> {
  const range = resolveRange(q, Date.now());
  if ("errors" in range) throw new ApiError(400, "The request is not valid: see errors.", { errors: range.errors });
  const domain = slug === null && q.domain === undefined ? undefined : await resolveDomainRef(c, q.domain);

  const raw = await readStats(c.var.db(), {
    slug, domain, scope: linkScopeOf(c.var.principal), range, bots: q.bots, limit: q.limit, dims: slug === null ? ALL_DIMS : LINK_DIMS,
  });
  if (raw.linkId === null) throw new ApiError(404, `No link has the slug "${slug}".`);
  const live = raw.allTime && raw.linkId !== ALL_LINKS ? await readLive(c.var.redis, raw.linkId, raw.allTime) : null;
  const { stats, topLinks } = buildStats(raw, range, q.bots, live);
  const body = slug === null ? { ...stats, topLinks } : stats;

  c.header("cache-control", "private, no-store");
  c.header("vary", "Accept");
  if (wantsCsv(c, q.format)) {
    const name = `eatmyurl-stats-${(slug ?? "all").replace(/[^A-Za-z0-9_-]/g, "_")}-${body.from.slice(0, 10)}.csv`;
    c.header("content-disposition", `attachment; filename="${name}"`);
    return c.body(statsToCsv(body), 200, { "content-type": "text/csv; charset=utf-8" });
  }
  return c.json(body, 200);
}
