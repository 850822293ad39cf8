/**
 * The upgrade to link_totals (migration 0005): the all-links top links per day that clicks_dims_daily held
 * move into link_totals, each click exactly once, also those that the previous ingest writes between the
 * migration and the deploy (folded in by the next `npm run db:migrate`).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, migrationsFolder } from "../../dev/migrate.ts";
import { startPostgres, type PostgresServer } from "../../dev/postgres-server.ts";

let postgres: PostgresServer, client: pg.Client, before0005: string;

beforeAll(async () => {
  postgres = await startPostgres({});
  client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  // The migrations as they were before 0005: a copy of the folder whose journal stops at 0004.
  before0005 = fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-migrations-"));
  fs.cpSync(migrationsFolder, before0005, { recursive: true });
  const journalFile = path.join(before0005, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8"));
  journal.entries = journal.entries.filter((e: { idx: number }) => e.idx <= 4);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
}, 120_000);

afterAll(async () => {
  await client?.end();
  await postgres?.destroy();
  if (before0005) fs.rmSync(before0005, { recursive: true, force: true });
});

/** What the ingest before 0005 wrote for a link's clicks of a day: one "*" row of dimension "link". */
const oldRow = (day: string, link: string, humans: number, bots: number) =>
  client.query(
    `insert into clicks_dims_daily as r (link_id, day, dim, value, clicks, humans, bots, previews)
     values ('*', $1, 'link', $2, $3, $4, $5, 0)
     on conflict (link_id, day, dim, value) do update
       set clicks = r.clicks + excluded.clicks, humans = r.humans + excluded.humans, bots = r.bots + excluded.bots`,
    [day, link, humans + bots, humans, bots],
  );

const totals = async () =>
  (await client.query(`select days, start::text, link_id, clicks, humans, bots from link_totals order by 1, 2, 3`)).rows;

describe("upgrading to link_totals", () => {
  it("moves every day of the top links into its blocks once, including rows the old ingest writes after the migration", async () => {
    await migrate(drizzle(client), { migrationsFolder: before0005 }); // the schema as the previous version had it
    await oldRow("2026-11-30", "a", 3, 1); // day 20787: its blocks start on days 20787, 20784 (4 and 16 days), 20736 (64)
    await oldRow("2026-12-01", "a", 2, 0); // day 20788: its own 1- and 4-day blocks, the same 16 and 64 as above
    await oldRow("2026-12-01", "b", 5, 0);
    await oldRow("2026-12-01", "*", 1, 0); // unrelated rows stay where they are
    await client.query(`insert into clicks_dims_daily (link_id, day, dim, value, clicks, humans) values ('*', '2026-12-01', 'country', 'FR', 9, 9)`);

    await applyMigrations(postgres.url);
    expect(await totals()).toEqual([
      { days: 1, start: "2026-11-30", link_id: "a", clicks: 4, humans: 3, bots: 1 },
      { days: 1, start: "2026-12-01", link_id: "*", clicks: 1, humans: 1, bots: 0 },
      { days: 1, start: "2026-12-01", link_id: "a", clicks: 2, humans: 2, bots: 0 },
      { days: 1, start: "2026-12-01", link_id: "b", clicks: 5, humans: 5, bots: 0 },
      { days: 4, start: "2026-11-27", link_id: "a", clicks: 4, humans: 3, bots: 1 },
      { days: 4, start: "2026-12-01", link_id: "*", clicks: 1, humans: 1, bots: 0 },
      { days: 4, start: "2026-12-01", link_id: "a", clicks: 2, humans: 2, bots: 0 },
      { days: 4, start: "2026-12-01", link_id: "b", clicks: 5, humans: 5, bots: 0 },
      { days: 16, start: "2026-11-27", link_id: "a", clicks: 6, humans: 5, bots: 1 },
      { days: 16, start: "2026-11-27", link_id: "*", clicks: 1, humans: 1, bots: 0 },
      { days: 16, start: "2026-11-27", link_id: "b", clicks: 5, humans: 5, bots: 0 },
      { days: 64, start: "2026-10-10", link_id: "*", clicks: 1, humans: 1, bots: 0 },
      { days: 64, start: "2026-10-10", link_id: "a", clicks: 6, humans: 5, bots: 1 },
      { days: 64, start: "2026-10-10", link_id: "b", clicks: 5, humans: 5, bots: 0 },
    ].sort((x, y) => x.days - y.days || (x.start < y.start ? -1 : x.start > y.start ? 1 : x.link_id < y.link_id ? -1 : 1)));
    const left = await client.query(`select dim, value from clicks_dims_daily order by 1`);
    expect(left.rows).toEqual([{ dim: "country", value: "FR" }]);

    // The previous version, still deployed, ingests one more click of b; the next migrate folds it in once.
    await oldRow("2026-12-01", "b", 1, 0);
    await applyMigrations(postgres.url);
    await applyMigrations(postgres.url);
    const b = (await totals()).filter((r) => r.link_id === "b").map((r) => r.clicks);
    expect(b).toEqual([6, 6, 6, 6]);
    expect((await client.query(`select count(*)::int as n from clicks_dims_daily where dim = 'link'`)).rows[0].n).toBe(0);
  });
});
