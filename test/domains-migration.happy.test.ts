/**
 * The domains migration (db/migrations/0006_domains.sql) on a database that has links and clicks from before
 * it: a fresh database gets the migrations before 0006, a link and a click made the old way, then 0006. The
 * link keeps redirecting (from the Redis entry written before the migration, and from Postgres), keeps its id,
 * lands on the default domain, and every click, before and after, is attributed to it. (Its ingest run drains
 * the shared click stream into that database: clicks other files left pending there are counted in it.)
 */
import { Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../db/client.ts";
import { invalidate, redisStore, type CachedLink } from "../functions/redirect/link-cache/index.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { config, withSettings } from "./helpers/env.ts";
import { human } from "./helpers/redirect.ts";
import { redis } from "./helpers/redis.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

// Every migration, in order; the test applies those before 0006, makes old data, then 0006 and every later one.
const migrations = Object.entries(import.meta.glob<string>("../db/migrations/*.sql", { query: "?raw", import: "default", eager: true }))
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([file, text]) => ({ n: Number(file.match(/(\d{4})_[^/]*\.sql$/)![1]), text }));
const before = migrations.filter((m) => m.n < 6).map((m) => m.text);
const [m6] = migrations.filter((m) => m.n === 6).map((m) => m.text);
const later = migrations.filter((m) => m.n > 6).map((m) => m.text);

const name = `mig_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
const url = new URL(config.DATABASE_URL);
url.pathname = `/${name}`;
const migrated = withSettings({ DATABASE_URL: url.href });

const statements = (sql: string) => sql.split("--> statement-breakpoint").map((s) => s.trim()).filter(Boolean);
const admin = () => createDb(config).pool;

let pool: Pool;
beforeAll(async () => {
  const a = admin();
  await a.query(`create database ${name}`);
  await a.end();
  pool = createDb({ ...config, DATABASE_URL: url.href }).pool;
  for (const m of before) for (const s of statements(m)) await pool.query(s);
});

afterAll(async () => {
  await pool.end();
  const a = admin();
  await a.query(`drop database if exists ${name} with (force)`);
  await a.end();
});

describe("migration 0006 (domains) on existing links", () => {
  it("keeps a link made before it redirecting, on the default domain, with every click attributed to it", async () => {
    const slug = uniqueSlug("premig");
    const id = crypto.randomUUID();
    // The link as the old code stored it, and its cache entry as the old code wrote it (no domain field).
    await pool.query(`insert into links (id, slug, url) values ($1, $2, 'https://example.com/before')`, [id, slug]);
    const { rows: [row] } = await pool.query(`select version, extract(epoch from updated_at) * 1000 as updated from links where id = $1`, [id]);
    const oldEntry = {
      id, slug, url: "https://example.com/before", redirectType: 302, expiresAt: null, maxClicks: null, fallbackUrl: null,
      passwordHash: null, version: Number(row.version), updatedAt: Math.floor(Number(row.updated)),
    } as CachedLink;
    await redisStore(redis, [oldEntry]);
    const go = async () => {
      const res = await call("GET", `/${slug}`, { ...human(), bindings: migrated });
      return [res.status, res.headers.get("location")];
    };
    // A click while the old schema is still there (served from the cache: no Postgres read).
    expect(await go()).toEqual([302, "https://example.com/before"]);

    for (const s of statements(m6)) await pool.query(s);
    // The migrations after it, which the code under test needs too; none touches links' ids or slugs.
    for (const m of later) for (const s of statements(m)) await pool.query(s);

    // Right after: from the entry written before the migration, then from the migrated row.
    expect(await go()).toEqual([302, "https://example.com/before"]);
    await redis.del(redisKeys.link(slug));
    invalidate(slug);
    expect(await go()).toEqual([302, "https://example.com/before"]);
    const { rows: after } = await pool.query(`select id, domain, slug from links where slug = $1`, [slug]);
    expect(after).toEqual([{ id, domain: null, slug }]);

    // The API sees it on the default domain; the clicks before and after the migration are all its own.
    const flushed = await call("POST", "/api/v1/ingest/flush", { bindings: migrated });
    expect(flushed.status).toBe(200);
    const link = (await (await call("GET", `/api/v1/links/${slug}`, { bindings: migrated })).json()) as any;
    expect(link).toMatchObject({ id, domain: "sho.rt", shortUrl: `http://sho.rt/${slug}` });
    const stats = (await (await call("GET", `/api/v1/links/${slug}/stats?interval=hour&from=${new Date(Date.now() - 3600_000).toISOString()}`, { bindings: migrated })).json()) as any;
    expect(stats.totals).toMatchObject({ clicks: 3, humans: 3 });
    const { rows: [clicks] } = await pool.query(`select count(*)::int as n, count(distinct link_id)::int as links from clicks where link_id = $1`, [id]);
    expect(clicks).toEqual({ n: 3, links: 1 });
    // The slug is still unique on the default domain; the same slug is free on another one.
    const taken = await call("POST", "/api/v1/links", { body: { url: "https://example.com/dup", slug }, bindings: migrated });
    expect(taken.status).toBe(409);
    await redis.del(redisKeys.link(slug), redisKeys.clickClaims(id));
  });
});
