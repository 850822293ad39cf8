/**
 * What strangers can and cannot do with reports: a flood is limited per client and in total (429 with
 * Retry-After); nothing a reporter sends changes a link; reporter text is escaped on the admins' Reports page;
 * a cross-site form post to /report is refused; keys without admin are refused on the queue, on resolving and
 * on the PATCH fields that disable a link or set its warning.
 */
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { mintKey } from "./helpers/api.ts";
import { withDb } from "./helpers/db.ts";
import { ADMIN_KEY } from "./helpers/env.ts";
import { expectProblem, Fixtures, human } from "./helpers/redirect.ts";
import { fileTestReport, removeReports, reportRow, sendReport, uniqueIp } from "./helpers/reports.ts";
import { BASE, call } from "./helpers/worker.ts";

const f = new Fixtures();
const filed: string[] = [];
afterAll(async () => {
  await removeReports(filed);
  await f.cleanup();
});

const keep = async (res: Response) => {
  if (res.status === 202) filed.push(((await res.clone().json()) as { id: string }).id);
  return res;
};

async function expect429(res: Response) {
  await expectProblem(res, 429);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
}

describe("a report flood", () => {
  it("is limited per client: past REPORTS_PER_CLIENT in 10 minutes, 429 with Retry-After, and nothing stored", async () => {
    const ip = uniqueIp();
    const settings = { REPORTS_PER_CLIENT: "3" };
    for (let i = 0; i < 3; i++) expect((await keep(await sendReport({ slug: "flood-one", reason: "spam" }, { ip, settings }))).status).toBe(202);
    const details = `refused ${crypto.randomUUID()}`;
    await expect429(await keep(await sendReport({ slug: "flood-one", reason: "spam", details }, { ip, settings })));
    // Another address is not held back by this one.
    expect((await keep(await sendReport({ slug: "flood-one", reason: "spam" }, { settings }))).status).toBe(202);
    const n = await withDb((db) => db.execute<{ n: number }>(sql`select count(*)::int as n from link_reports where details = ${details}`));
    expect(n.rows[0].n).toBe(0);
  });

  it("is limited in total: from many addresses, no more than REPORTS_PER_HOUR get through", async () => {
    const settings = { REPORTS_PER_HOUR: "4" };
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await keep(await sendReport({ slug: "flood-all", reason: "spam" }, { settings }));
      statuses.push(res.status);
      if (res.status === 429) await expect429(res);
    }
    // Other test files' reports count in the same hour, so fewer than 4 may pass; never more.
    expect(statuses.filter((s) => s === 202).length).toBeLessThanOrEqual(4);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(4);
    expect(statuses.every((s) => s === 202 || s === 429)).toBe(true);
  });
});

describe("nothing a reporter sends changes a link", () => {
  it("neither fields a link has (refused) nor any report of it", async () => {
    const link = await f.link({ url: "https://dest.example/untouchable" });
    const before = await (await call("GET", `/api/v1/links/${link.slug}`)).json();
    for (const extra of [{ disabled: true }, { warning: "x" }, { status: "disabled" }, { linkId: "lnk_x" }, { url: "https://evil.example/" }]) {
      const res = await keep(await sendReport({ slug: link.slug, reason: "phishing", ...extra }));
      expect(res.status).toBe(400);
    }
    for (const reason of ["phishing", "malware", "spam", "broken", "other"]) {
      expect((await keep(await sendReport({ slug: link.slug, reason, details: "disable it now" }))).status).toBe(202);
    }
    const form = await call("POST", "/report", {
      key: null, raw: new URLSearchParams({ link: link.slug, reason: "malware", disabled: "true", warning: "x" }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, "x-forwarded-for": uniqueIp() },
    });
    expect(form.status).toBe(200);
    expect(await (await call("GET", `/api/v1/links/${link.slug}`)).json()).toEqual(before);
    const res = await call("GET", `/${link.slug}`, human());
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://dest.example/untouchable");
    const rows = await withDb((db) => db.execute<{ id: string }>(sql`select id from link_reports where link_id = ${link.id}`));
    filed.push(...rows.rows.map((r) => String(r.id)));
  });
});

describe("the admins' Reports page", () => {
  it("escapes what reporters wrote", async () => {
    const login = await call("POST", "/app/login", {
      key: null, headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE }, raw: new URLSearchParams({ key: ADMIN_KEY }),
    });
    expect(login.status).toBe(303);
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const mark = crypto.randomUUID().slice(0, 8);
    const link = await f.link({ url: "https://dest.example/escaped" });
    filed.push(await fileTestReport({ slug: link.slug, details: `<script>alert("${mark}")</script><img src=x onerror=1>`, email: "a@example.com" }));
    filed.push(await fileTestReport({ url: `<b>${mark}</b>`, reason: "other" }));
    const page = await call("GET", "/app/reports?status=open", { key: null, headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`&lt;script&gt;alert(&quot;${mark}&quot;)&lt;/script&gt;&lt;img src=x onerror=1&gt;`);
    expect(html).toContain(`&lt;b&gt;${mark}&lt;/b&gt;`);
    expect(html).not.toContain(`<script>alert("${mark}")`);
    expect(html).not.toContain(`<b>${mark}</b>`);
    expect(html).toContain("Disable link");
  });
});

describe("CSRF on POST /report", () => {
  const post = (headers: Record<string, string>, details: string) =>
    call("POST", "/report", {
      key: null, raw: new URLSearchParams({ link: "csrf-target", reason: "spam", details }),
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": uniqueIp(), ...headers },
    });
  const stored = async (details: string) =>
    (await withDb((db) => db.execute<{ n: number }>(sql`select count(*)::int as n from link_reports where details = ${details}`))).rows[0].n;

  it("refuses a form posted from another site, by Origin or by Sec-Fetch-Site, and stores nothing", async () => {
    for (const headers of [{ origin: "https://evil.example" }, { "sec-fetch-site": "cross-site" }, { origin: "null" }] as Record<string, string>[]) {
      const details = `csrf ${crypto.randomUUID()}`;
      const res = await post(headers, details);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("Refused");
      expect(await stored(details)).toBe(0);
    }
    const details = `same ${crypto.randomUUID()}`;
    expect((await post({ origin: BASE }, details)).status).toBe(200);
    expect(await stored(details)).toBe(1);
    const rows = await withDb((db) => db.execute<{ id: string }>(sql`select id from link_reports where details = ${details}`));
    filed.push(...rows.rows.map((r) => String(r.id)));
  });
});

describe("keys without admin", () => {
  it("are refused on the queue and on resolving, and the report stays open", async () => {
    const { key } = await mintKey(["links:read", "links:write", "analytics:read"]);
    expect((await call("GET", "/api/v1/reports", { key })).status).toBe(403);
    const link = await f.link({ url: "https://dest.example/not-yours" });
    const id = await fileTestReport({ slug: link.slug });
    filed.push(id);
    await expectProblem(await call("POST", `/api/v1/reports/${id}/resolve`, { key, body: { action: "disable" } }), 403);
    expect(await reportRow(id)).toMatchObject({ status: "open" });
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(302);
  });

  it("may not disable, enable or warn through PATCH: 403 naming the field, the link unchanged", async () => {
    const { key } = await mintKey(["links:read", "links:write"]);
    const link = await f.link({ url: "https://dest.example/patched", disabledAt: new Date(), disabledReason: "held" });
    const before = await (await call("GET", `/api/v1/links/${link.slug}`)).json();
    for (const [field, value] of [["disabled", false], ["disabledReason", null], ["warning", "x"]] as const) {
      const res = await call("PATCH", `/api/v1/links/${link.slug}`, { key, body: { title: "t", [field]: value } });
      const body = (await expectProblem(res, 403)) as unknown as { detail: string; errors: { path: string }[] };
      expect(body.detail).toContain(field);
      expect(body.errors).toEqual([{ path: field, message: "needs the admin scope" }]);
    }
    expect(await (await call("GET", `/api/v1/links/${link.slug}`)).json()).toEqual(before);
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(410);
    // The same key may still change the link's other fields.
    expect((await call("PATCH", `/api/v1/links/${link.slug}`, { key, body: { title: "ok" } })).status).toBe(200);
  });
});
