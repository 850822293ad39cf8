import { raw } from "hono/html";
import type { FC } from "hono/jsx";
import type { AllStats, Stats } from "../../analytics/schema.ts";
import { linkPage } from "../link-paths.ts";
import { formatInstant } from "../wall-time.ts";

/** One row of a dimension; `value` null is unknown or none (for referrers: direct traffic); `href` links it. */
type TopValue = Stats["referrers"][number] & { href?: string };

const DIMENSIONS = [
  ["referrers", "Referrers"], ["countries", "Countries"], ["cities", "Cities"], ["devices", "Devices"],
  ["browsers", "Browsers"], ["os", "Operating systems"], ["utmSources", "UTM sources"], ["utmMediums", "UTM mediums"],
  ["utmCampaigns", "UTM campaigns"],
] as const satisfies readonly (readonly [keyof Stats, string])[];

const TOTALS = [["clicks", "Clicks"], ["uniques", "Unique visitors"], ["humans", "People"], ["bots", "Bots"], ["previews", "Previews"]] as const;

const n = (v: number) => v.toLocaleString("en-US");

/** The stats API's live block (per link): every click served so far, ingested or still waiting in the click stream. */
export function liveClicks(stats: Pick<Stats, "live">): number | null {
  return stats.live?.clicks ?? null;
}
/** "≥" when the stream held more than one read looks at (the figure is then a lower bound). */
const liveText = (s: Stats | AllStats) => {
  const v = liveClicks(s);
  return v === null ? "—" : `${"live" in s && s.live?.complete === false ? "≥ " : ""}${n(v)}`;
};

/** One dimension as a table with a bar per row (<meter>: no inline style, so the CSP can forbid them). */
const CountTable: FC<{ title: string; rows: TopValue[] }> = ({ title, rows }) => {
  const max = Math.max(1, ...rows.map((r) => r.clicks));
  return (
    <section class="card dim">
      <h2>{title}</h2>
      {rows.length === 0 ? <p class="empty">No data in this range.</p> : (
        <table>
          <thead><tr><th scope="col">Value</th><th scope="col" class="num">Clicks</th><th scope="col"><span class="sr-only">Share</span></th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td class="value">{r.value ? (r.href ? <a href={r.href}>{r.value}</a> : r.value) : <em>unknown</em>}</td>
                <td class="num">{n(r.clicks)}</td>
                <td class="bar"><meter min={0} max={max} value={r.clicks} aria-hidden="true">{r.clicks}</meter></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};

const pct = (part: number, whole: number) => (whole ? `${((part / whole) * 100).toFixed(1)}%` : "—");

/**
 * The A/B result of one link: per variant (by URL) its clicks, people, unique visitors (visitor-days whose first
 * human click it served) and its share of the variants' clicks and of their uniques.
 */
const VariantTable: FC<{ rows: Stats["variants"] }> = ({ rows }) => {
  const clicks = rows.reduce((t, r) => t + r.clicks, 0);
  const uniques = rows.reduce((t, r) => t + r.uniques, 0);
  return (
    <section class="card ab" aria-labelledby="ab-title">
      <h2 id="ab-title">A/B variants</h2>
      {(
        <table>
          <thead>
            <tr>
              <th scope="col">Variant</th><th scope="col" class="num">Clicks</th><th scope="col" class="num">People</th>
              <th scope="col" class="num">Uniques</th><th scope="col" class="num">Share of clicks</th><th scope="col" class="num">Share of uniques</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr data-variant={r.value}>
                <td class="value">{r.value}</td><td class="num">{n(r.clicks)}</td><td class="num">{n(r.humans)}</td>
                <td class="num">{n(r.uniques)}</td><td class="num">{pct(r.clicks, clicks)}</td><td class="num">{pct(r.uniques, uniques)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};

/** The top links of all-links stats, as rows of a dimension, each linking to its stats page; a deleted link (slug null) by its id. */
function topLinkRows(rows: AllStats["topLinks"]): TopValue[] {
  return rows.map((r) =>
    r.slug === null
      ? { value: `deleted link ${r.linkId}`, clicks: r.clicks }
      : { value: r.domain ? `${r.domain}/${r.slug}` : r.slug, clicks: r.clicks, href: linkPage(r.slug, r.domain ?? undefined, "/stats") });
}

/** Chart data for the client script, as a JSON data block (never executed, so the CSP allows it). */
function chartData(s: Stats | AllStats): string {
  const data = {
    interval: s.interval,
    t: s.timeseries.map((p) => Date.parse(p.t) / 1000),
    clicks: s.timeseries.map((p) => p.clicks),
    uniques: s.timeseries.map((p) => p.uniques),
  };
  return JSON.stringify(data).replace(/</g, "\\u003c");
}

/** `live`: the JSON the live counter polls (one link's page only: the live figures are per link). */
export const StatsView: FC<{ stats: Stats | AllStats; tz: string; live?: string }> = ({ stats: s, tz, live }) => (
  <>
    <section class="totals" aria-label="Totals">
      {live && (
        <div class="stat live" data-live={live}>
          <span class="label">Clicks served, all time (live)</span>
          <span class="value" data-live-value aria-live="polite">{liveText(s)}</span>
        </div>
      )}
      {TOTALS.map(([key, label]) => (
        <div class="stat" data-total={key}><span class="label">{label}</span><span class="value">{n(s.totals[key])}</span></div>
      ))}
    </section>
    <section class="card">
      <h2>Clicks per {s.interval}</h2>
      <div class="chart" id="chart" data-chart="chart-data" role="img" aria-label={`Clicks per ${s.interval}; the table below gives the figures`}></div>
      <script type="application/json" id="chart-data">{raw(chartData(s))}</script>
      <details>
        <summary>Show as a table</summary>
        <table>
          <thead><tr><th scope="col">{s.interval === "hour" ? "Hour" : "Day"} ({tz})</th><th scope="col" class="num">Clicks</th><th scope="col" class="num">Uniques</th></tr></thead>
          <tbody>{s.timeseries.map((p) => <tr><td>{formatInstant(p.t, tz)}</td><td class="num">{p.clicks}</td><td class="num">{p.uniques}</td></tr>)}</tbody>
        </table>
      </details>
    </section>
    {!("topLinks" in s) && s.variants.length > 0 && <VariantTable rows={s.variants} />}
    <div class="dims">
      {"topLinks" in s && <CountTable title="Top links" rows={topLinkRows(s.topLinks)} />}
      {!("topLinks" in s) && <CountTable title="Destinations" rows={s.destinations} />}
      {DIMENSIONS.map(([key, title]) => <CountTable title={title} rows={s[key]} />)}
    </div>
  </>
);
