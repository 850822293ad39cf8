import type { Context } from "hono";
import type { AllStats, Stats } from "../../analytics/schema.ts";
import { FormError, Layout, page } from "../components/layout.tsx";
import { namesNothing, notFoundPage } from "../components/not-found.tsx";
import { RangeForm } from "../components/range-form.tsx";
import { StatsView } from "../components/stats-view.tsx";
import type { Dash, DashEnv } from "../dash-env.ts";
import { formErrors } from "../forms.ts";
import { linkPage, pageDomain } from "../link-paths.ts";
import { sameQuery, statsPageQuery, statsPath } from "../stats-query.ts";

const RANGE_FIELDS = ["from", "to", "tz", "bots", "interval"] as const;

/** Analytics of one link (slug) or of all links. */
async function statsPage(c: Context<DashEnv>, slug?: string) {
  const { range, bots, query } = statsPageQuery(c);
  const res = await c.var.api.call<Stats | AllStats>("GET", statsPath(slug), { query });
  if (!res.ok && namesNothing(res.status)) return notFoundPage(c, slug ? "link" : "domain");
  const domain = pageDomain(c);
  const base = slug ? `/app/links/${encodeURIComponent(slug)}` : "/app";
  const title = slug ? `Analytics: ${slug}` : "Analytics: all links";
  const errors = { ...range.errors, ...(res.ok ? {} : formErrors(res.problem, RANGE_FIELDS)) };
  // "tz" has no control of its own: its error is shown with the form-level message.
  if (errors.tz) errors[""] = `${errors[""] ?? ""} Time zone: ${errors.tz}`.trim();
  return page(c, (
    <Layout title={title} session={c.var.session} nav={slug ? "links" : "stats"} styles={["/assets/vendor/uPlot.min.css"]} scripts={["/assets/vendor/uPlot.iife.min.js"]}>
      <div class="page-head">
        <h1>{slug ? <>Analytics of <a href={linkPage(slug, domain)}><code>{slug}</code></a>{domain && <> on {domain}</>}</> : domain ? `Analytics: links on ${domain}` : "Analytics: all links"}</h1>
        {res.ok && <a class="button" href={`${base}/stats.csv${sameQuery(c)}`} download>Export CSV</a>}
      </div>
      <RangeForm action={`${base}/stats`} range={range} bots={bots} tz={c.var.tz} errors={errors} domain={domain} />
      <FormError message={errors[""]} />
      {res.ok && <StatsView stats={res.data} tz={c.var.tz} live={slug && linkPage(slug, domain, "/live.json")} />}
    </Layout>
  ), res.status);
}

export function registerStats(dash: Dash) {
  dash.get("/stats", (c) => statsPage(c));
  dash.get("/links/:slug/stats", (c) => statsPage(c, c.req.param("slug")));
}
