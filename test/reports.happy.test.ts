/**
 * Reports of links: anyone files one (the API, or the /report form), by slug or by short URL; a report of a
 * link that does not exist is accepted too (with no link). Admins see the queue, newest first, filtered and
 * paged, and resolve each: disable (the link answers 410, both changes audit-logged) or dismiss. A report
 * emits report.created through the webhook outbox.
 */
import { sql } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Report } from "../functions/api/reports/schemas.ts";
import { withDb } from "./helpers/db.ts";
import { Fixtures, human } from "./helpers/redirect.ts";
import { fileTestReport, removeReports, reportRow, sendReport, uniqueIp } from "./helpers/reports.ts";
import { createTestWebhook, removeTestWebhooks } from "./helpers/webhooks.ts";
import { BASE, call } from "./helpers/worker.ts";

const f = new Fixtures();
const filed: string[] = [];
afterEach(removeTestWebhooks);
afterAll(async () => {
  await removeReports(filed);
  await f.cleanup();
});

async function report(body: Record<string, unknown>): Promise<string> {
  const res = await sendReport(body);
  expect(res.status, await res.clone().text()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  expect(id).toMatch(/^\d+$/);
  filed.push(id);
  return id;
}

const resolve = (id: string, body: Record<string, unknown>) => call("POST", `/api/v1/reports/${id}/resolve`, { body });

async function openReports(): Promise<Report[]> {
  const res = await call("GET", "/api/v1/reports?status=open&limit=100");
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Report[] }).data;
}

describe("filing a report", () => {
  it("by slug, by short URL with or without its scheme, and of an unknown link (kept without a link)", async () => {
    const link = await f.link({ url: "https://dest.example/reported" });
    const bySlug = await report({ slug: link.slug, reason: "phishing", details: "asks for my bank login", email: "me@example.com" });
    const byUrl = await report({ url: `${BASE}/${link.slug}?utm_source=x`, reason: "malware" });
    const bare = await report({ url: `sho.rt/${link.slug}`, reason: "spam" });
    const unknown = await report({ slug: "no-such-link-anywhere", reason: "broken" });
    const elsewhere = await report({ url: `https://elsewhere.example/${link.slug}`, reason: "other" });
    for (const id of [bySlug, byUrl, bare]) expect((await reportRow(id))?.linkId).toBe(link.id);
    expect(await reportRow(unknown)).toMatchObject({ linkId: null, target: "no-such-link-anywhere", status: "open" });
    expect((await reportRow(elsewhere))?.linkId).toBeNull();

    const queue = await openReports();
    const mine = queue.find((r) => r.id === bySlug)!;
    expect(mine).toMatchObject({
      linkId: link.id, target: link.slug, reason: "phishing", details: "asks for my bank login", email: "me@example.com", status: "open",
      resolvedAt: null, resolvedBy: null, link: { slug: link.slug, domain: "sho.rt", shortUrl: `${BASE}/${link.slug}`, url: "https://dest.example/reported", disabled: false },
    });
    expect(queue.find((r) => r.id === unknown)?.link).toBeNull();
    // Newest first.
    const ids = queue.map((r) => Number(r.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    // Filing changed nothing about the link.
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(302);
  });

  it("through the public form, posted from its own page", async () => {
    const link = await f.link({ url: "https://dest.example/form-reported" });
    const page = await call("GET", `/report?url=${encodeURIComponent(`${BASE}/${link.slug}`)}`, { key: null });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(page.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
    expect(html).toContain('<form method="post" action="/report">');
    expect(html).toContain(`value="${BASE}/${link.slug}"`);
    for (const r of ["phishing", "malware", "spam", "broken", "other"]) expect(html).toContain(`<option value="${r}"`);
    expect(html).not.toContain("<script");

    const details = `form ${crypto.randomUUID()}`;
    const res = await call("POST", "/report", {
      key: null, raw: new URLSearchParams({ link: link.slug, reason: "spam", details, email: "" }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, "x-forwarded-for": uniqueIp() },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Thank you");
    const rows = await withDb((db) => db.execute<{ id: string; link_id: string; email: string | null }>(sql`select id, link_id, email from link_reports where details = ${details}`));
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]).toMatchObject({ link_id: link.id, email: null });
    filed.push(String(rows.rows[0].id));
  });

  it("emits report.created through the outbox, delivered with the report", async () => {
    await createTestWebhook({ events: ["report.created"], linkIds: null });
    const id = await report({ slug: "hooked-report", reason: "other", details: "webhook" });
    const r = await withDb((db) => db.execute<{ type: string; body: string }>(sql`select type, body from webhook_deliveries where type = 'report.created' and body like ${`%"id":"${id}"%`}`));
    expect(r.rows).toHaveLength(1);
    const body = JSON.parse(r.rows[0].body) as { type: string; data: Record<string, unknown> };
    expect(body).toMatchObject({ type: "report.created", data: { id, linkId: null, target: "hooked-report", reason: "other", details: "webhook", status: "open" } });
  });
});

describe("resolving a report", () => {
  it("disable: the link answers 410 with the reason, the report is closed, both audit-logged; a second resolve is 409", async () => {
    const link = await f.link({ url: "https://dest.example/to-disable" });
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(302);
    const id = await report({ slug: link.slug, reason: "phishing" });
    const res = await resolve(id, { action: "disable", reason: "Phishing, reported" });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ id, status: "disabled", resolvedBy: "admin", link: { slug: link.slug, disabled: true } });
    expect(await reportRow(id)).toMatchObject({ status: "disabled", resolvedBy: "admin" });

    const gone = await call("GET", `/${link.slug}`, human());
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain("Phishing, reported");
    expect(await (await call("GET", `/api/v1/links/${link.slug}`)).json()).toMatchObject({ disabled: true, disabledReason: "Phishing, reported" });

    const audit = async (target: string) => ((await (await call("GET", `/api/v1/audit?target=${encodeURIComponent(target)}`)).json()) as { data: { action: string; after: Record<string, unknown> }[] }).data;
    expect((await audit(`report:${id}`)).map((e) => [e.action, e.after.status])).toEqual([["report.resolved", "disabled"]]);
    expect((await audit(`link:${link.id}`))[0]).toMatchObject({ action: "link.updated", after: { disabled_reason: "Phishing, reported" } });

    expect((await resolve(id, { action: "dismiss" })).status).toBe(409);
  });

  it("dismiss: closes the report and leaves the link alone", async () => {
    const link = await f.link({ url: "https://dest.example/dismissed" });
    const id = await report({ slug: link.slug, reason: "spam" });
    const res = await resolve(id, { action: "dismiss" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "dismissed", link: { disabled: false } });
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(302);
    const dismissed = ((await (await call("GET", "/api/v1/reports?status=dismissed&limit=100")).json()) as { data: Report[] }).data;
    expect(dismissed.map((r) => r.id)).toContain(id);
    expect((await openReports()).map((r) => r.id)).not.toContain(id);
  });

  it("pages the queue with signed cursors, newest first", async () => {
    for (let i = 0; i < 3; i++) filed.push(await fileTestReport({ reason: "broken" }));
    const first = await call("GET", "/api/v1/reports?status=open&limit=2");
    const page1 = (await first.json()) as { data: Report[]; nextCursor: string };
    expect(page1.data).toHaveLength(2);
    expect(page1.nextCursor).toBeTruthy();
    const second = (await (await call("GET", `/api/v1/reports?status=open&limit=2&cursor=${page1.nextCursor}`)).json()) as { data: Report[] };
    expect(Number(second.data[0].id)).toBeLessThan(Number(page1.data[1].id));
  });
});
