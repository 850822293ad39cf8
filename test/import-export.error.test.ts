/** Import and export refuse what they cannot read with problem+json 4xx, and change nothing. */
import { eq, like } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { importChunks, importJobs, links } from "../db/schema.ts";
import { MAX_CSV_RECORD_BYTES, maxRecordBytes } from "../functions/imports/row-bound.ts";
import { withDb } from "./helpers/db.ts";
import { DomainFixtures } from "./helpers/domains.ts";
import { call } from "./helpers/worker.ts";

const fixtures = new DomainFixtures();
afterAll(() => fixtures.cleanup());

const post = (query: string, raw: BodyInit | undefined, headers: Record<string, string> = { "content-type": "text/csv" }) =>
  call("POST", `/api/v1/links/import${query}`, { raw, headers });

async function expectProblem(res: Response, status: number, detail?: RegExp) {
  const body = (await res.json()) as { status: number; detail: string };
  expect(res.status, body.detail).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  if (detail) expect(body.detail).toMatch(detail);
}

describe("POST /api/v1/links/import refuses", () => {
  it("a body that is neither CSV nor JSON (415), an empty one, and one with no destination column (400)", async () => {
    await expectProblem(await post("", "url\nhttps://example.com/x", { "content-type": "application/xml" }), 415);
    await expectProblem(await post("", ""), 400, /empty/);
    await expectProblem(await post("", "name,visits\nx,1\n"), 400, /destination column/);
    await expectProblem(await post("?format=bitly", "slug,title\nx,y\n"), 400, /destination column/);
  });

  it("JSON that is not a list of links, and format=json with a CSV body", async () => {
    const json = { "content-type": "application/json" };
    await expectProblem(await post("", "{not json", json), 400, /not JSON/);
    await expectProblem(await post("", '{"rows": []}', json), 400, /array/);
    await expectProblem(await post("?format=json", "url\nhttps://example.com/x"), 400, /JSON body/);
  });

  it("unknown parameters and values, and a ?domain= that is not served here (404)", async () => {
    await expectProblem(await post("?format=excel", "url\nhttps://example.com/x"), 400);
    await expectProblem(await post("?onConflict=overwrite", "url\nhttps://example.com/x"), 400);
    await expectProblem(await post("?dryRun=yes", "url\nhttps://example.com/x"), 400);
    await expectProblem(await post("?nope=1", "url\nhttps://example.com/x"), 400);
    await expectProblem(await post("?domain=nowhere.example.test", "url\nhttps://example.com/x"), 404);
  });

  it("a declared length past the limit at once (413), before any row is read", async () => {
    const res = await call("POST", "/api/v1/links/import", { raw: "url\nhttps://example.com/x", headers: { "content-type": "text/csv", "content-length": String(65 * 1024 * 1024) } });
    expect(res.status).toBe(413);
  });

  it("a record larger than any link's row (413 naming its line), before or after the file turns into a background job", async () => {
    const { hostname } = await fixtures.add();
    const sized = (file: string) => ({ "content-type": "text/csv", "content-length": String(new TextEncoder().encode(file).length) });
    // Our own format (url, title): a row can carry routing, so the bound is about 4.9 MB.
    const huge = "x".repeat(MAX_CSV_RECORD_BYTES + 1024);
    const small = `url,slug,title\nhttps://example.com/a,before,ok\n\nhttps://example.com/b,big,"${huge}"\nhttps://example.com/c,after,ok\n`;
    const refused = await post(`?domain=${hostname}`, small, sized(small));
    expect(await refused.clone().json()).toMatchObject({ line: 4 });
    await expectProblem(refused, 413, /line 4\b/);

    // Shlink's columns cannot carry routing: about 80 KB. Past 10,000 rows the upload is stored as it is
    // read; the refusal fails that job and removes what was stored.
    const rows = ["Long URL,Short code"];
    for (let i = 0; i < 10_050; i++) rows.push(`https://example.com/r/${i},r-${i}`);
    rows.push(`https://example.com/big,"${"y".repeat(maxRecordBytes("shlink") + 1024)}"`);
    const large = rows.join("\n");
    await expectProblem(await post(`?domain=${hostname}`, large, sized(large)), 413, /line 10052\b/);
    await withDb(async (db) => {
      expect(await db.select().from(links).where(eq(links.domain, hostname))).toEqual([]);
      const jobs = await db.select().from(importJobs).where(like(importJobs.requestUrl, `%${hostname}%`));
      expect(jobs.map((j) => j.status)).toEqual(["failed"]);
      expect(await db.select().from(importChunks).where(eq(importChunks.jobId, jobs[0].id))).toEqual([]);
      await db.delete(importJobs).where(eq(importJobs.id, jobs[0].id));
    });
  });

  it("rows on a domain that is not served here fail one by one, naming the way out", async () => {
    const { hostname } = await fixtures.add();
    const res = await post("", `Long URL,Short URL\nhttps://example.com/a,https://bit.ly/abc\nhttps://example.com/b,https://${hostname}/ok\n`);
    const report = (await res.json()) as any;
    expect(report).toMatchObject({ created: 1, failed: 1 });
    expect(report.errors[0]).toMatchObject({ line: 2 });
    expect(report.errors[0].message).toMatch(/bit\.ly.*\?domain=/);
    expect((await withDb((db) => db.select().from(links).where(eq(links.domain, hostname)))).map((l) => l.slug)).toEqual(["ok"]);
  });

  it("a link with a password in the export but none in the file fails rather than coming back unprotected", async () => {
    const { hostname } = await fixtures.add();
    const header = "id,slug,domain,shortUrl,url,redirectType,title,tags,expiresAt,maxClicks,fallbackUrl,hasPassword,rules,variants,clicks,createdAt,updatedAt";
    const row = `${crypto.randomUUID()},locked,${hostname},https://${hostname}/locked,https://example.com/secret,302,,,,,,true,[],,0,2026-01-01T00:00:00.000000Z,2026-01-01T00:00:00.000000Z`;
    const report = (await (await post("", `${header}\n${row}\n`)).json()) as any;
    expect(report).toMatchObject({ format: "csv", created: 0, failed: 1 });
    expect(report.errors[0].message).toMatch(/^hasPassword: /);
  });
});

describe("GET /api/v1/links/export and /api/v1/imports/{id} refuse", () => {
  it("an unknown format or domain, and an import that does not exist", async () => {
    await expectProblem(await call("GET", "/api/v1/links/export?format=xml"), 400);
    await expectProblem(await call("GET", "/api/v1/links/export?domain=nowhere.example.test"), 404);
    await expectProblem(await call("GET", `/api/v1/imports/${crypto.randomUUID()}`), 404);
    await expectProblem(await call("GET", "/api/v1/imports/not-an-id"), 404);
  });
});
