import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Stats } from "../../analytics/schema.ts";
import { liveClicks } from "../components/stats-view.tsx";
import type { Dash, DashEnv } from "../dash-env.ts";
import { withNotice } from "../notices.ts";
import { domainQuery, pageDomain } from "../link-paths.ts";
import { statsPageQuery, statsPath } from "../stats-query.ts";

/** CSV export: the stats route's own CSV (format=csv), fetched with the session's key. */
async function csv(c: Context<DashEnv>, slug?: string) {
  const { query } = statsPageQuery(c);
  const res = await c.var.api.raw("GET", statsPath(slug), { query: { ...query, format: "csv" }, accept: "text/csv" });
  if (res.status === 401) return c.redirect(withNotice("/app/login", "session-expired"), 303);
  const day = new Date().toISOString().slice(0, 10);
  const headers = new Headers({ "content-type": res.headers.get("content-type") ?? "text/csv", "cache-control": "no-store" });
  if (res.ok) headers.set("content-disposition", `attachment; filename="eatmyurl-${slug ?? "all-links"}-${day}.csv"`);
  return new Response(res.body, { status: res.status, headers });
}

/** Small JSON the analytics page polls every few seconds. */
async function live(c: Context<DashEnv>, slug: string) {
  const to = new Date();
  const from = new Date(to.getTime() - 3600_000);
  const res = await c.var.api.call<Stats>("GET", statsPath(slug), {
    query: { from: from.toISOString(), to: to.toISOString(), interval: "hour", tz: "UTC", bots: "include", ...domainQuery(pageDomain(c)) },
  });
  c.header("cache-control", "no-store");
  if (!res.ok) return c.json({ error: res.problem.detail }, res.status as ContentfulStatusCode);
  return c.json({ clicks: liveClicks(res.data), complete: res.data.live?.complete ?? true, at: to.toISOString() });
}

export function registerStatsData(dash: Dash) {
  dash.get("/stats.csv", (c) => csv(c));
  dash.get("/links/:slug/stats.csv", (c) => csv(c, c.req.param("slug")));
  dash.get("/links/:slug/live.json", (c) => live(c, c.req.param("slug")));
}
