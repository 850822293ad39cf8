/**
 * Seeds the benchmark inside Postgres: raw clicks from generate_series (no row crosses the wire), then the
 * rollups computed from those raw clicks with INSERT ... SELECT ... GROUP BY, so both sides of the
 * comparison count the very same clicks.
 *
 * Speed on 2 cores: the throwaway cluster runs with fsync off; tables are made UNLOGGED (no WAL) and
 * indexes are dropped during the load and rebuilt after, which is far cheaper than maintaining them row
 * by row. Raw clicks are inserted in time order with links interleaved, as the pipeline writes them.
 *
 * What is seeded: 10,000 links; `total` clicks over 90 days, every 5th one on the hot link (slug "hot"),
 * the rest spread over the other links with a skew; clicks_hourly for every link; the dimension rollups
 * (hourly and daily) for the hot link only: for the ~8 M cold clicks they would be ~100 M rows (about nine
 * per click, hourly), far beyond a few minutes of seeding, and the measured call reads only the hot link's
 * key range of those tables. For the all-links call: link_totals of every link (from its clicks_hourly), and
 * the ALL_LINKS ("*") series (the links' hours summed; its uniques are that sum too, not visitor-days across
 * links) and daily dimensions (the hot link's, copied): the benchmark checks the top links, not those. Then
 * the cron's fold of the sealed days into dimension blocks.
 */
import type pg from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
import type { Db } from "../db/client.ts";
import { foldDimBlocks, sealTarget } from "../db/queries/dim-blocks.ts";

export const HOT_ID = "bench-0";
export const HOT_SLUG = "hot";
/** Links the seeded 10 M clicks are spread over (the hot one gets a fifth of them). */
export const SEED_LINKS = 10_000;
export const DAYS = 90;

const DIMS_SQL = `(values
  ('referrer', coalesce(referrer_host, '')), ('country', coalesce(country, '')), ('city', coalesce(city, '')),
  ('device', coalesce(device, '')), ('browser', coalesce(browser, '')), ('os', coalesce(os, '')),
  ('utm_source', coalesce(utm_source, '')), ('utm_medium', coalesce(utm_medium, '')),
  ('utm_campaign', coalesce(utm_campaign, ''))) d(dim, value)`;

const COUNTS = `count(*), count(*) filter (where kind = 'human'), count(*) filter (where kind = 'bot'),
  count(*) filter (where kind = 'preview')`;

/** Random clicks g in [lo, hi] of `total`, ending at `end`; each random() drawn once per row in the subquery. */
function clicksInsert(lo: number, hi: number, total: number, end: Date): string {
  const pick = (arr: string[], skew: string) => `(array[${arr.map((a) => `'${a}'`).join(",")}])[1 + floor(${arr.length} * power(${skew}, 2))::int]`;
  return `
    insert into clicks (id, link_id, ts, kind, reason, visitor, referrer_host, country, city, device, browser, os,
                        utm_source, utm_medium, utm_campaign)
    select 'c' || g,
      case when g % 5 = 0 then '${HOT_ID}' else 'bench-' || (1 + floor(${SEED_LINKS - 1} * power(r1, 3)))::int end,
      '${end.toISOString()}'::timestamptz - ((${total} - g)::float8 / ${total}) * interval '${DAYS} days',
      case when r2 < 0.85 then 'human' when r2 < 0.95 then 'bot' else 'preview' end,
      case when r2 < 0.85 then null when r2 < 0.95 then 'isbot' else 'preview-fetcher' end,
      'v' || floor(case when g % 5 = 0 then 60000 else 3000 end * r3)::int,
      case when r4 < 0.3 then null else 'ref' || floor(100 * power(r5, 2))::int || '.example' end,
      chr(65 + (k / 26)) || chr(65 + (k % 26)),
      'City ' || floor(200 * power(r6, 2))::int,
      ${pick(["desktop", "mobile", "tablet", "other"], "r7")},
      ${pick(["Chrome", "Safari", "Firefox", "Edge", "Samsung Internet", "Opera", "Brave", "Vivaldi"], "r8")},
      ${pick(["Windows", "iOS", "Android", "macOS", "Linux", "ChromeOS"], "r9")},
      case when r10 < 0.6 then null else ${pick(["newsletter", "twitter", "facebook", "linkedin", "google", "reddit", "hn", "mastodon", "youtube", "tiktok"], "r11")} end,
      case when r10 < 0.6 then null else ${pick(["email", "social", "cpc", "referral", "display"], "r13")} end,
      case when r12 < 0.7 then null else 'campaign-' || floor(30 * power(r14, 2))::int end
    from (
      select g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6, random() r7,
             random() r8, random() r9, random() r10, random() r11, random() r12, random() r13, random() r14, floor(50 * power(random(), 2))::int k
      from generate_series(${lo}, ${hi}) g
    ) r`;
}

export async function seed(pool: pg.Pool, total: number, log: (s: string) => void): Promise<{ end: Date }> {
  const end = new Date();
  const step = async (what: string, ...sqls: string[]) => {
    const t0 = performance.now();
    // Statements given together run in parallel, one connection each: two cores, two loaders.
    await Promise.all(sqls.map(async (s) => {
      const c = await pool.connect();
      try {
        await c.query("set timezone = 'UTC'; set work_mem = '256MB'; set maintenance_work_mem = '1GB'; set max_parallel_maintenance_workers = 2");
        await c.query(s);
      } finally {
        c.release();
      }
    }));
    log(`  ${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };

  const t0 = performance.now();
  await step(
    "unlogged tables, indexes dropped",
    `alter table clicks set unlogged; alter table clicks_hourly set unlogged;
     alter table clicks_dims_hourly set unlogged; alter table clicks_dims_daily set unlogged;
     alter table clicks drop constraint clicks_pkey; drop index clicks_link_ts_idx; drop index clicks_ts_idx;
     alter table clicks_hourly drop constraint clicks_hourly_link_id_hour_pk;`,
  );
  await step(
    `${SEED_LINKS.toLocaleString()} links`,
    `insert into links (id, slug, url)
     select 'bench-' || i, case when i = 0 then '${HOT_SLUG}' else 'b' || i end, 'https://example.com/' || i
     from generate_series(0, ${SEED_LINKS - 1}) i`,
  );
  const half = Math.floor(total / 2);
  await step(`${total.toLocaleString()} raw clicks`, clicksInsert(1, half, total, end), clicksInsert(half + 1, total, total, end));
  await step(
    "raw click indexes (as in production)",
    "alter table clicks add constraint clicks_pkey primary key (id)",
    "create index clicks_link_ts_idx on clicks (link_id, ts); create index clicks_ts_idx on clicks (ts)",
  );
  await step(
    "clicks_hourly of every link, uniques = visitor-days by their first human click",
    `insert into clicks_hourly (link_id, hour, clicks, humans, bots, previews, uniques)
     select c.link_id, c.hour, c.n, c.h, c.b, c.p, coalesce(u.n, 0)
     from (select link_id, date_trunc('hour', ts) as hour, count(*) n, count(*) filter (where kind = 'human') h,
                  count(*) filter (where kind = 'bot') b, count(*) filter (where kind = 'preview') p
           from clicks group by 1, 2) c
     left join (select link_id, hour, count(*) n from (
                  select link_id, date_trunc('hour', min(ts)) as hour from clicks where kind = 'human'
                  group by link_id, date_trunc('day', ts), visitor) f
                group by 1, 2) u using (link_id, hour)`,
    `insert into clicks_dims_hourly (link_id, hour, dim, value, clicks, humans, bots, previews)
     select link_id, date_trunc('hour', ts), d.dim, d.value, ${COUNTS}
     from clicks cross join lateral ${DIMS_SQL}
     where link_id = '${HOT_ID}' and d.value <> '' group by 1, 2, 3, 4`,
  );
  await step(
    "clicks_dims_daily of the hot link (from its hourly rows: the same sums); primary key of clicks_hourly",
    `insert into clicks_dims_daily (link_id, day, dim, value, clicks, humans, bots, previews)
     select link_id, (hour at time zone 'UTC')::date, dim, value, sum(clicks), sum(humans), sum(bots), sum(previews)
     from clicks_dims_hourly where link_id = '${HOT_ID}' group by 1, 2, 3, 4`,
    "alter table clicks_hourly add constraint clicks_hourly_link_id_hour_pk primary key (link_id, hour)",
  );
  await step(
    "all-links rollups: link_totals of every link, the \"*\" series and daily dimensions",
    `insert into clicks_hourly (link_id, hour, clicks, humans, bots, previews, uniques)
     select '*', hour, sum(clicks), sum(humans), sum(bots), sum(previews), sum(uniques) from clicks_hourly group by hour`,
    `insert into link_totals (days, start, link_id, clicks, humans, bots, previews)
     select s.days, date '1970-01-01' + ((d.day - date '1970-01-01') / s.days) * s.days, d.link_id,
            sum(d.clicks), sum(d.humans), sum(d.bots), sum(d.previews)
     from (select link_id, (hour at time zone 'UTC')::date as day, sum(clicks) clicks, sum(humans) humans,
                  sum(bots) bots, sum(previews) previews
           from clicks_hourly where link_id <> '*' group by 1, 2) d
     cross join (values (1), (4), (16), (64)) s(days)
     group by 1, 2, 3`,
    // The hot link's rows under "*": as many rows as true all-links ones would be (the same dimensions and
    // days, values of the same spread), for a fraction of the seeding (grouping 10 M raw clicks by day and
    // nine dimensions took 6 minutes). The benchmark checks the top links, not these values.
    `insert into clicks_dims_daily (link_id, day, dim, value, clicks, humans, bots, previews)
     select '*', day, dim, value, clicks, humans, bots, previews from clicks_dims_daily where link_id = '${HOT_ID}'`,
  );
  // The cron's fold, as production runs it once the days are sealed (db/queries/dim-blocks.ts): every day
  // before yesterday of the seeded range goes into blocks of 4, 16 and 64 days.
  {
    const t1 = performance.now();
    const fold = await foldDimBlocks(drizzle(pool) as unknown as Db, sealTarget(end.getTime()));
    log(`  dimension blocks (the cron's fold, ${fold.rows.toLocaleString()} rows): ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  }
  await step("vacuum analyze", "vacuum analyze clicks, clicks_hourly", "vacuum analyze clicks_dims_hourly, clicks_dims_daily, clicks_dims_blocks, links, link_totals");
  log(`  seeding total: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { end };
}
