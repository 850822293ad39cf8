/**
 * The link fields Shlink's clients edit (issue 18), through our own API: validSince (before it the link
 * answers as unknown), forwardQuery (off: the visitor's query is not appended) and crawlable (robots.txt
 * allows it), on the app's path and on the fast path (a second visit, from the isolate's cache).
 */
import { afterAll, describe, expect, it } from "vitest";
import { createLink } from "./helpers/api.ts";
import { DomainFixtures, on } from "./helpers/domains.ts";
import { human } from "./helpers/redirect.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const d = new DomainFixtures();
afterAll(() => d.cleanup());

const inHours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();
async function link(body: Record<string, unknown>) {
  const l = await createLink(body);
  d.links.add(l.id);
  return l;
}
const visit = async (path: string) => {
  const res = await call("GET", path, human());
  return { status: res.status, location: res.headers.get("location") };
};

describe("validSince", () => {
  it("answers 404 before it on every path, then redirects once it is cleared", async () => {
    const slug = uniqueSlug("since");
    const l = await link({ url: "https://example.com/later", slug, validSince: inHours(2) });
    expect(Date.parse(l.validSince)).toBeGreaterThan(Date.now() + 3_500_000);
    for (let i = 0; i < 2; i++) expect((await visit(`/${slug}`)).status).toBe(404);
    const res = await call("PATCH", `/api/v1/links/${slug}`, { body: { validSince: null } });
    expect(((await res.json()) as { validSince: unknown }).validSince).toBeNull();
    for (let i = 0; i < 2; i++) expect(await visit(`/${slug}`)).toEqual({ status: 302, location: "https://example.com/later" });
  });

  it("a past validSince redirects at once; one at or after expiresAt is refused", async () => {
    const slug = uniqueSlug("past");
    await link({ url: "https://example.com/now", slug, validSince: "2020-01-01T00:00:00Z" });
    expect((await visit(`/${slug}`)).status).toBe(302);
    const res = await call("POST", "/api/v1/links", { body: { url: "https://example.com/x", validSince: inHours(3), expiresAt: inHours(2) } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["validSince"]);
  });

  it("sends a not-yet-valid link's visitor to the domain's notFoundRedirect, as an unknown slug", async () => {
    const { hostname } = await d.add({ notFoundRedirect: "https://example.com/missing" });
    const slug = uniqueSlug("nf");
    await link({ url: "https://example.com/soon", slug, domain: hostname, validSince: inHours(1) });
    expect(await visit(on(hostname, `/${slug}`))).toEqual({ status: 302, location: "https://example.com/missing" });
  });
});

describe("forwardQuery", () => {
  it("off: the visitor's query stays behind, for the url and for a rule's destination, on both paths", async () => {
    const slug = uniqueSlug("nofwd");
    await link({
      url: "https://example.com/dest?own=1", slug, forwardQuery: false,
      rules: [{ url: "https://example.com/rule", conditions: [{ type: "query-param", matchKey: "r", matchValue: "1" }] }],
    });
    for (let i = 0; i < 2; i++) expect((await visit(`/${slug}?utm_source=x`)).location).toBe("https://example.com/dest?own=1");
    expect((await visit(`/${slug}?r=1`)).location).toBe("https://example.com/rule");
    await call("PATCH", `/api/v1/links/${slug}`, { body: { forwardQuery: null } });
    expect((await visit(`/${slug}?utm_source=x`)).location).toBe("https://example.com/dest?own=1&utm_source=x");
  });
});

describe("crawlable and robots.txt", () => {
  it("allows exactly the domain's crawlable links and disallows the rest", async () => {
    const { hostname } = await d.add();
    const [yes, no] = [uniqueSlug("crawl"), uniqueSlug("hidden")];
    await link({ url: "https://example.com/c", slug: yes, domain: hostname, crawlable: true });
    await link({ url: "https://example.com/h", slug: no, domain: hostname });
    const res = await call("GET", on(hostname, "/robots.txt"), { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain("User-agent: *\n");
    expect(text.match(/^Allow: .*$/gm)).toEqual([`Allow: /${yes}`]);
    expect(text).toMatch(/Disallow: \/\n$/);
  });
});
