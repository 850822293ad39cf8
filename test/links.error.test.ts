/**
 * Bad input to the links API's create routes (POST /api/v1/links and /bulk): every refusal is a 4xx
 * application/problem+json that names what is wrong, and nothing is created, changed or cached
 * (links-property.error.test.ts: whatever the input, never a 5xx). links-existing.error.test.ts does the same
 * for the routes on links that exist.
 */
import { describe, expect, it } from "vitest";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { createLink } from "./helpers/api.ts";
import { config } from "./helpers/env.ts";
import { expectLinkAbsent, expectLinksProblem } from "./helpers/links-problems.ts";
import { redis } from "./helpers/redis.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const post = (body: unknown) => call("POST", "/api/v1/links", { body });

describe("POST /api/v1/links with bad input", () => {
  it("refuses malformed JSON, a wrong content type and a missing body", async () => {
    const slug = uniqueSlug();
    const json = { "content-type": "application/json" };
    await expectLinksProblem(await call("POST", "/api/v1/links", { raw: `{"url":"https://example.com","slug":"${slug}"`, headers: json }), 400);
    await expectLinksProblem(await call("POST", "/api/v1/links", { raw: JSON.stringify({ url: "https://example.com", slug }), headers: { "content-type": "text/plain" } }), 415);
    await expectLinksProblem(await call("POST", "/api/v1/links", { raw: `url=https://example.com&slug=${slug}`, headers: { "content-type": "application/x-www-form-urlencoded" } }), 415);
    await expectLinksProblem(await call("POST", "/api/v1/links", { headers: json }), 400);
    await expectLinksProblem(await call("POST", "/api/v1/links"), 400, ["url"]);
    await expectLinksProblem(await call("POST", "/api/v1/links", { raw: "[]", headers: json }), 400);
    await expectLinksProblem(await call("POST", "/api/v1/links", { raw: "null", headers: json }), 400);
    const deep = "[".repeat(30_000) + "]".repeat(30_000);
    await expectLinksProblem(await call("POST", "/api/v1/links", { raw: deep, headers: json }), 400);
    await expectLinksProblem(await call("POST", "/api/v1/links/bulk", { raw: deep, headers: json }), 400);
    await expectLinkAbsent(slug);
  });

  it("names each field of the wrong type or out of range", async () => {
    const slug = uniqueSlug();
    const cases: [Record<string, unknown>, string[]][] = [
      [{ url: 42 }, ["url"]],
      [{ url: "https://example.com", slug, tags: "a" }, ["tags"]],
      [{ url: "https://example.com", slug, tags: ["ok", ""] }, ["tags.1"]],
      [{ url: "https://example.com", slug, tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, ["tags"]],
      [{ url: "https://example.com", slug, tags: ["x".repeat(51)] }, ["tags.0"]],
      [{ url: "https://example.com", slug, maxClicks: "5" }, ["maxClicks"]],
      [{ url: "https://example.com", slug, maxClicks: 0 }, ["maxClicks"]],
      [{ url: "https://example.com", slug, maxClicks: -3 }, ["maxClicks"]],
      [{ url: "https://example.com", slug, maxClicks: 1.5 }, ["maxClicks"]],
      [{ url: "https://example.com", slug, maxClicks: 2 ** 31 }, ["maxClicks"]],
      [{ url: "https://example.com", slug, redirectType: 303 }, ["redirectType"]],
      [{ url: "https://example.com", slug, redirectType: "302" }, ["redirectType"]],
      [{ url: "https://example.com", slug, expiresAt: "tomorrow" }, ["expiresAt"]],
      [{ url: "https://example.com", slug, expiresAt: "2999-01-01T00:00:00" }, ["expiresAt"]],
      [{ url: "https://example.com", slug, title: "a\u0000b" }, ["title"]],
      [{ url: "https://example.com", slug, title: "x".repeat(501) }, ["title"]],
      [{ url: "https://example.com", slug, password: "" }, ["password"]],
      [{ url: "https://example.com", slug, slug2: "x", Url: "y" }, ["slug2", "Url"]],
      [{ url: null, slug: null, redirectType: null }, ["url", "slug", "redirectType"]],
    ];
    for (const [body, paths] of cases) await expectLinksProblem(await post(body), 400, paths);
    await expectLinkAbsent(slug);
  });

  it("refuses URLs that are not http(s), too long, or unparseable, in url and fallbackUrl", async () => {
    const slug = uniqueSlug();
    const long = `https://example.com/${"a".repeat(2049 - "https://example.com/".length)}`;
    const bad = ["ftp://example.com/f", "javascript:alert(1)", "data:text/html,hi", "mailto:a@example.com", "example.com/x",
      "https://", "http://exa mple.com", "", long, `https://example.com/${"ü".repeat(400)}`];
    for (const url of bad) {
      await expectLinksProblem(await post({ url, slug }), 400, ["url"]);
      await expectLinksProblem(await post({ url: "https://example.com", fallbackUrl: url, slug }), 400, ["fallbackUrl"]);
    }
    await expectLinkAbsent(slug);
  });

  it("refuses a link to this service's own domain, a past expiry and reserved slugs (422)", async () => {
    const slug = uniqueSlug();
    for (const url of ["https://sho.rt/abc", "http://SHO.RT./x", "http://sho.rt:8080/"]) {
      await expectLinksProblem(await post({ url, slug }), 422, ["url"]);
      await expectLinksProblem(await post({ url: "https://example.com", fallbackUrl: url, slug }), 422, ["fallbackUrl"]);
    }
    await expectLinksProblem(await post({ url: "https://example.com", slug, expiresAt: new Date(Date.now() - 1000).toISOString() }), 422, ["expiresAt"]);
    await expectLinksProblem(await post({ url: "https://sho.rt/", slug, expiresAt: "2000-01-01T00:00:00Z" }), 422, ["url", "expiresAt"]);
    await expectLinkAbsent(slug);
    for (const reserved of ["api", "API", "docs", "Docs", "healthz", "app", "assets", "_", "_next", "cdn-cgi", "openapi"]) {
      await expectLinksProblem(await post({ url: "https://example.com", slug: reserved }), 422, ["slug"]);
    }
  });

  it("refuses an expiry that is an instant past 9999 (Postgres cannot read its ISO text), on create, bulk create and patch", async () => {
    const slug = uniqueSlug();
    const link = await createLink({ url: "https://example.com/expiry" });
    // Each passes the ISO pattern; the offset moves it into the year 10000.
    for (const expiresAt of ["9999-12-31T23:59:59-23:59", "9999-12-31T12:00:00-12:00"]) {
      await expectLinksProblem(await post({ url: "https://example.com", slug, expiresAt }), 400, ["expiresAt"]);
      const bulk = await call("POST", "/api/v1/links/bulk", { body: { links: [{ url: "https://example.com", slug, expiresAt }] } });
      expect(bulk.status).toBe(200);
      expect(((await bulk.json()) as any).results[0]).toMatchObject({ ok: false, error: { status: 400, errors: [{ path: "expiresAt" }] } });
      await expectLinksProblem(await call("PATCH", `/api/v1/links/${link.slug}`, { body: { expiresAt } }), 400, ["expiresAt"]);
    }
    await expectLinkAbsent(slug);
    expect(await (await call("GET", `/api/v1/links/${link.slug}`)).json()).toEqual(link);
    // The last instants before it are fine.
    const last = await post({ url: "https://example.com", expiresAt: "9999-12-31T23:59:59.999Z" });
    expect(last.status).toBe(201);
    expect(((await last.json()) as any).expiresAt).toBe("9999-12-31T23:59:59.999Z");
  });

  it("refuses a validSince in year 0 (Postgres has none: it answered 500), on create, patch and Shlink's edit", async () => {
    const slug = uniqueSlug();
    const link = await createLink({ url: "https://example.com/since" });
    // Passes the ISO pattern; the offset moves it to 0000-12-31T23:00Z. The first instant of year 1 is fine.
    const validSince = "0001-01-01T00:00:00+01:00";
    await expectLinksProblem(await post({ url: "https://example.com", slug, validSince }), 400, ["validSince"]);
    await expectLinksProblem(await call("PATCH", `/api/v1/links/${link.slug}`, { body: { validSince } }), 400, ["validSince"]);
    const shlink = await call("PATCH", `/rest/v3/short-urls/${link.slug}`, { body: { validSince }, headers: { "x-api-key": config.ADMIN_API_KEY } });
    expect(shlink.status).toBe(400);
    await expectLinkAbsent(slug);
    expect(await (await call("GET", `/api/v1/links/${link.slug}`)).json()).toEqual(link);
    const first = await post({ url: "https://example.com", validSince: "0001-01-01T00:00:00Z" });
    expect(first.status).toBe(201);
  });

  it("refuses text with an unpaired surrogate (which would be stored as U+FFFD) in every text field", async () => {
    const slug = uniqueSlug();
    const lone = "a\ud800b";
    const cases: [Record<string, unknown>, string[]][] = [
      [{ title: lone }, ["title"]],
      [{ tags: ["ok", lone] }, ["tags.1"]],
      [{ password: lone }, ["password"]],
      [{ url: `https://example.com/${lone}` }, ["url"]],
      [{ fallbackUrl: `https://example.com/\udc00` }, ["fallbackUrl"]],
    ];
    for (const [fields, paths] of cases) await expectLinksProblem(await post({ url: "https://example.com", slug, ...fields }), 400, paths);
    await expectLinkAbsent(slug);
    // A well-formed pair (an emoji) is text like any other.
    const emoji = await post({ url: "https://example.com", title: "\ud83d\ude00", tags: ["\ud83d\ude00"] });
    expect(emoji.status).toBe(201);
    expect(await emoji.json()).toMatchObject({ title: "😀", tags: ["😀"] });
  });

  it("refuses malformed custom slugs (400)", async () => {
    for (const slug of ["", "a b", "a.b", "a/b", "ü", "x".repeat(65), "emoji😀"]) {
      await expectLinksProblem(await post({ url: "https://example.com", slug }), 400, ["slug"]);
    }
  });

  it("answers 409 for a taken slug and leaves the existing link as it was", async () => {
    const link = await createLink({ url: "https://example.com/original" });
    await expectLinksProblem(await post({ url: "https://example.com/intruder", slug: link.slug }), 409);
    expect(await (await call("GET", `/api/v1/links/${link.slug}`)).json()).toEqual(link);
    expect(await redis.get(redisKeys.link(link.slug))).toMatchObject({ url: "https://example.com/original" });
  });

  it("answers 413 to a body over 1 MiB, announced or streamed", async () => {
    const slug = uniqueSlug();
    const big = JSON.stringify({ url: "https://example.com", slug, title: "x".repeat(1_100_000) });
    await expectLinksProblem(await call("POST", "/api/v1/links", { raw: big, headers: { "content-type": "application/json" } }), 413);
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    await expectLinksProblem(await call("POST", "/api/v1/links", { raw: stream, headers: { "content-type": "application/json" } }), 413);
    await expectLinkAbsent(slug);
  });
});

describe("POST /api/v1/links/bulk with bad input", () => {
  it("refuses the whole request when its envelope is wrong, creating nothing", async () => {
    const slug = uniqueSlug();
    const item = { url: "https://example.com", slug };
    await expectLinksProblem(await call("POST", "/api/v1/links/bulk", { body: { links: [] } }), 400, ["links"]);
    await expectLinksProblem(await call("POST", "/api/v1/links/bulk", { body: [item] }), 400);
    await expectLinksProblem(await call("POST", "/api/v1/links/bulk", { body: { links: [item], more: 1 } }), 400, ["more"]);
    await expectLinksProblem(await call("POST", "/api/v1/links/bulk", { body: { links: item } }), 400, ["links"]);
    const tooMany = { links: [item, ...Array.from({ length: 1000 }, () => ({ url: "https://example.com" }))] };
    await expectLinksProblem(await call("POST", "/api/v1/links/bulk", { body: tooMany }), 400, ["links"]);
    const huge = { links: [item, ...Array.from({ length: 1000 }, () => ({ url: "https://example.com", title: "x".repeat(2100) }))] };
    await expectLinksProblem(await call("POST", "/api/v1/links/bulk", { body: huge }), 413);
    await expectLinkAbsent(slug);
  });

  it("refuses more than 100 password-protected links in one request", async () => {
    const slug = uniqueSlug();
    const links = [{ url: "https://example.com", slug }, ...Array.from({ length: 101 }, () => ({ url: "https://example.com", password: "pw" }))];
    await expectLinksProblem(await call("POST", "/api/v1/links/bulk", { body: { links } }), 400, ["links"]);
    await expectLinkAbsent(slug);
  });
});
