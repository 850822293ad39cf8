/** Applies the drizzle-kit migrations in db/migrations to DATABASE_URL (`npm run db:migrate`). */
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { LINK_TOTAL_SPANS } from "../db/schema/rollups.ts";

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "db", "migrations");

/**
 * Moves the all-links top links per day that clicks_dims_daily held (link_id '*', dim 'link') into
 * link_totals (migration 0005), one block of each length per day, in one statement so that each row moves
 * exactly once. It runs after every migration because the ingest of a version before 0005, still running
 * between the migration and the deploy, writes such rows; with none left it is one short index scan.
 */
const FOLD_DAILY_TOP_LINKS = `
  with moved as (
    delete from clicks_dims_daily where link_id = '*' and dim = 'link'
    returning day, value, clicks, humans, bots, previews
  )
  insert into link_totals as t (days, start, link_id, clicks, humans, bots, previews)
  select s.days, date '1970-01-01' + ((m.day - date '1970-01-01') / s.days) * s.days, m.value,
         sum(m.clicks), sum(m.humans), sum(m.bots), sum(m.previews)
  from moved m cross join (values ${LINK_TOTAL_SPANS.map((n) => `(${n})`).join(", ")}) as s(days)
  group by 1, 2, 3
  on conflict (days, start, link_id) do update set
    clicks = t.clicks + excluded.clicks, humans = t.humans + excluded.humans,
    bots = t.bots + excluded.bots, previews = t.previews + excluded.previews`;

export async function applyMigrations(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Postgres NOTICEs ("schema already exists, skipping") are noise here.
    client.on("notice", () => {});
    await migrate(drizzle(client), { migrationsFolder });
    await client.query(FOLD_DAILY_TOP_LINKS);
  } finally {
    await client.end();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is not set: point it at the Postgres to migrate (Neon: the direct, non-pooled URL).");
    process.exit(2);
  }
  await applyMigrations(url);
  console.log("migrations applied");
}
