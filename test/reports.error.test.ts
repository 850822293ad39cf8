/**
 * Bad input to the reports routes gets a clear 4xx and stores nothing: a property test of arbitrary report
 * bodies (a report is stored exactly when the body is a valid one, and stored as sent), the body limit (413),
 * the content type (415), the form's own errors (400, the form again with the values escaped), bad cursors and
 * ids, resolving what cannot be resolved.
 */
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_REPORT_BODY_BYTES, REPORT_REASONS, ReportInput } from "../functions/api/reports/schemas.ts";
import { hostileText } from "./fuzz-arbitraries.ts";
import { withDb } from "./helpers/db.ts";
import { expectProblem } from "./helpers/redirect.ts";
import { fileTestReport, removeReports, reportRow, sendReport, uniqueIp } from "./helpers/reports.ts";
import { BASE, call } from "./helpers/worker.ts";

const filed: string[] = [];
afterAll(() => removeReports(filed));

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** A plausible report: one way of naming the link, a reason, details and an email now and then. */
const plausible = fc.record({
  target: fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/).map((slug) => ({ slug })),
    fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/).map((slug) => ({ slug, domain: "sho.rt" })),
    fc.oneof(fc.webUrl(), fc.constantFrom(`${BASE}/abc`, "sho.rt/abc")).map((url) => ({ url })),
  ),
  reason: fc.constantFrom(...REPORT_REASONS),
  details: maybe(fc.oneof(fc.string({ maxLength: 300 }), fc.constant(null), fc.constant("é".repeat(1000)))),
  email: maybe(fc.oneof(fc.emailAddress(), fc.constant(null))),
});
/** Fields set to hostile or wrong values, added or replaced: none in about a third of the bodies. */
const spoilt = fc.array(
  fc.tuple(
    fc.constantFrom("url", "slug", "domain", "reason", "details", "email", "status", "linkId"),
    fc.oneof(hostileText, fc.constantFrom("", "PHISHING", "a/b", "x".repeat(65), "y".repeat(1001), "a@", "javascript:alert(1)", "-"), fc.constant(null), fc.integer()),
  ),
  { maxLength: 2 },
);
const reportBody = fc.tuple(plausible, spoilt).map(([{ target, ...rest }, bad]) => {
  const o: Record<string, unknown> = { ...target, ...rest, ...Object.fromEntries(bad) };
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
});

describe("POST /api/v1/reports with arbitrary bodies", () => {
  it("stores a report exactly when the body is valid, as sent; otherwise 400 problem+json", async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(reportBody, async (body) => {
        const res = await sendReport(body);
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        if (new TextEncoder().encode(JSON.stringify(body)).length > MAX_REPORT_BODY_BYTES) {
          await expectProblem(res, 413);
          return;
        }
        const valid = ReportInput.safeParse(body);
        if (!valid.success) {
          const problem = (await expectProblem(res, 400)) as unknown as { errors: unknown[] };
          expect(problem.errors.length).toBeGreaterThan(0);
          return;
        }
        expect(res.status, await res.clone().text()).toBe(202);
        const { id } = (await res.json()) as { id: string };
        filed.push(id);
        const row = await reportRow(id);
        expect(row).toMatchObject({
          reason: valid.data.reason, details: valid.data.details || null, email: valid.data.email || null, status: "open",
          target: valid.data.url ?? (valid.data.domain ? `${valid.data.domain}/${valid.data.slug}` : valid.data.slug),
        });
      }),
      { numRuns: 150 },
    );
    expect(seen.get(202), JSON.stringify([...seen])).toBeGreaterThan(5);
    expect(seen.get(400), JSON.stringify([...seen])).toBeGreaterThan(5);
  }, 120_000);
});

describe("the limits and shapes of a report", () => {
  it("413 past the body limit, on the API and the form, before it is stored", async () => {
    const details = "z".repeat(MAX_REPORT_BODY_BYTES);
    await expectProblem(await sendReport({ slug: "big", reason: "spam", details }), 413);
    const form = await call("POST", "/report", {
      key: null, raw: new URLSearchParams({ link: "big", reason: "spam", details }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, "x-forwarded-for": uniqueIp() },
    });
    expect(form.status).toBe(413);
    const n = await withDb((db) => db.execute<{ n: number }>(sql`select count(*)::int as n from link_reports where details = ${details}`));
    expect(n.rows[0].n).toBe(0);
  });

  it("415 for a body that is not JSON; 400 for both url and slug, or neither, or a domain without a slug", async () => {
    const res = await call("POST", "/api/v1/reports", { key: null, raw: "slug=a&reason=spam", headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": uniqueIp() } });
    expect([400, 415]).toContain(res.status);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    for (const body of [{ url: `${BASE}/a`, slug: "a", reason: "spam" }, { reason: "spam" }, { url: `${BASE}/a`, domain: "sho.rt", reason: "spam" }]) {
      await expectProblem(await sendReport(body), 400);
    }
  });

  it("the form answers its own errors with the form again, 400, the values escaped", async () => {
    const res = await call("POST", "/report", {
      key: null, raw: new URLSearchParams({ link: '"><script>x</script>', reason: "nonsense", details: "</textarea><b>hi</b>", email: "not-an-email" }),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, "x-forwarded-for": uniqueIp() },
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<form method="post" action="/report">');
    expect(html).toContain("&quot;&gt;&lt;script&gt;x&lt;/script&gt;");
    expect(html).toContain("&lt;/textarea&gt;&lt;b&gt;hi&lt;/b&gt;");
    expect(html).not.toContain("<script>x");
    expect(html).toMatch(/aria-invalid="true" aria-describedby="email-error"/);
    expect(html).toMatch(/aria-invalid="true" aria-describedby="reason-error"/);
  });
});

describe("the queue and resolving", () => {
  it("refuse a cursor of another status, a malformed id, an unknown report, and disabling a report without a link", async () => {
    filed.push(await fileTestReport(), await fileTestReport());
    const { nextCursor } = (await (await call("GET", "/api/v1/reports?status=open&limit=1")).json()) as { nextCursor: string };
    expect(nextCursor).toBeTruthy();
    await expectProblem(await call("GET", `/api/v1/reports?status=dismissed&cursor=${nextCursor}`), 400);
    await expectProblem(await call("GET", `/api/v1/reports?cursor=${nextCursor}x`), 400);
    await expectProblem(await call("GET", "/api/v1/reports?status=closed"), 400);
    for (const id of ["0", "-1", "abc", "99999999999999999"]) await expectProblem(await call("POST", `/api/v1/reports/${id}/resolve`, { body: { action: "dismiss" } }), 400);
    await expectProblem(await call("POST", "/api/v1/reports/9007199254740991/resolve", { body: { action: "dismiss" } }), 404);
    const id = await fileTestReport({ slug: "nothing-at-this-slug" });
    filed.push(id);
    await expectProblem(await call("POST", `/api/v1/reports/${id}/resolve`, { body: { action: "disable" } }), 422);
    await expectProblem(await call("POST", `/api/v1/reports/${id}/resolve`, { body: { action: "close" } }), 400);
    expect(await reportRow(id)).toMatchObject({ status: "open" });
  });
});
