/**
 * The baseline: the same stats answer (bots excluded, day buckets in UTC, top values of every dimension)
 * computed straight from raw clicks with the (link_id, ts) index, as one would without rollups. Run from
 * Node over node-postgres, not through the Worker: the baseline gets the cheaper path.
 */
import type pg from "pg";

export const RAW_SQL = `
with c as (
  select date_trunc('day', ts) as day, kind, visitor,
    coalesce(referrer_host, '') as referrer, coalesce(country, '') as country, coalesce(city, '') as city,
    coalesce(device, '') as device, coalesce(browser, '') as browser, coalesce(os, '') as os,
    coalesce(utm_source, '') as utm_source, coalesce(utm_medium, '') as utm_medium, coalesce(utm_campaign, '') as utm_campaign
  from clicks where link_id = $1 and ts >= $2 and ts < $3
),
series as (
  select day, count(*) filter (where kind = 'human') as humans, count(*) filter (where kind = 'bot') as bots,
    count(*) filter (where kind = 'preview') as previews
  from c group by day
),
-- A unique is a visitor-day counted where its first human click falls (so the day's earlier clicks matter).
firsts as (
  select date_trunc('day', f) as day, count(*) as u from (
    select min(ts) as f from clicks
    where link_id = $1 and kind = 'human' and ts >= date_trunc('day', $2::timestamptz) and ts < $3
    group by date_trunc('day', ts), visitor
  ) x where f >= $2 group by 1
),
dims as (
  select case when grouping(referrer) = 0 then 'referrer' when grouping(country) = 0 then 'country'
      when grouping(city) = 0 then 'city' when grouping(device) = 0 then 'device' when grouping(browser) = 0 then 'browser'
      when grouping(os) = 0 then 'os' when grouping(utm_source) = 0 then 'utm_source'
      when grouping(utm_medium) = 0 then 'utm_medium' else 'utm_campaign' end as dim,
    coalesce(referrer, country, city, device, browser, os, utm_source, utm_medium, utm_campaign) as value,
    count(*) filter (where kind = 'human') as n
  from c
  group by grouping sets ((referrer), (country), (city), (device), (browser), (os), (utm_source), (utm_medium), (utm_campaign))
),
ranked as (
  select dim, value, n, row_number() over (partition by dim order by n desc, value collate "C") as rk from dims where n > 0
)
select
  (select json_agg(json_build_array(to_char(s.day, 'YYYY-MM-DD'), s.humans, s.bots, s.previews, coalesce(f.u, 0)) order by s.day)
     from series s left join firsts f using (day)) as series,
  (select json_agg(json_build_array(dim, value, n) order by dim, rk) from ranked where rk <= $4) as dims`;

const FIELDS: Record<string, string> = {
  referrer: "referrers", country: "countries", city: "cities", device: "devices", browser: "browsers", os: "os",
  utm_source: "utmSources", utm_medium: "utmMediums", utm_campaign: "utmCampaigns",
};

export async function rawStats(client: pg.ClientBase, linkId: string, from: string, to: string, limit: number) {
  const { rows } = await client.query(RAW_SQL, [linkId, from, to, limit]);
  const series = ((rows[0].series ?? []) as [string, number, number, number, number][]).map(([day, humans, bots, previews, uniques]) => ({
    day, humans: Number(humans), bots: Number(bots), previews: Number(previews), uniques: Number(uniques),
  }));
  const dims: Record<string, { value: string | null; clicks: number }[]> = {};
  for (const f of Object.values(FIELDS)) dims[f] = [];
  for (const [dim, value, n] of (rows[0].dims ?? []) as [string, string, number][]) {
    dims[FIELDS[dim]].push({ value: value === "" ? null : value, clicks: Number(n) });
  }
  return { series, dims };
}

/** Differences between the Worker's answer and the raw one; empty when they agree on every figure. */
export function compareWithRaw(api: any, raw: Awaited<ReturnType<typeof rawStats>>): string[] {
  const diffs: string[] = [];
  const byDay = new Map(raw.series.map((s) => [s.day, s]));
  const totals = { clicks: 0, humans: 0, bots: 0, previews: 0, uniques: 0 };
  for (const s of raw.series) {
    totals.clicks += s.humans;
    totals.humans += s.humans;
    totals.bots += s.bots;
    totals.previews += s.previews;
    totals.uniques += s.uniques;
  }
  if (JSON.stringify(api.totals) !== JSON.stringify(totals)) diffs.push(`totals ${JSON.stringify(api.totals)} vs raw ${JSON.stringify(totals)}`);
  for (const p of api.timeseries) {
    const r = byDay.get(p.t.slice(0, 10)) ?? { humans: 0, uniques: 0 };
    if (p.clicks !== r.humans || p.humans !== r.humans || p.uniques !== r.uniques) {
      diffs.push(`${p.t}: ${JSON.stringify(p)} vs raw ${JSON.stringify(r)}`);
    }
  }
  for (const f of Object.values(FIELDS)) {
    if (JSON.stringify(api[f]) !== JSON.stringify(raw.dims[f])) diffs.push(`${f}: ${JSON.stringify(api[f])} vs raw ${JSON.stringify(raw.dims[f])}`);
  }
  return diffs;
}
