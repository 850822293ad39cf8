/**
 * Bad input to the links API: every refusal is a 4xx application/problem+json that names what is wrong, and
 * nothing is created, changed or cached (links-property.error.test.ts: whatever the input, never a 5xx).
 */
import { describe, expect, it } from "vitest";
import { encodeCursor } from "../functions/api/links/cursor.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { createLink } from "./helpers/api.ts";
import { config } from "./helpers/env.ts";
import { redis } from "./helpers/redis.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

async function expectProblem(res: Response, status: number, paths?: string[]): Promise<any> {
  const body = (await res.json()) as any;
  expect({ status: res.status, body }).toMatchObject({ status, body: { status } });
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(typeof body.title).toBe("string");
  expect(typeof body.detail).toBe("string");
  // A field can break several rules at once; each path is named at least once.
  if (paths) expect([...new Set(body.errors.map((e: { path: string }) => e.path))].sort()).toEqual([...paths].sort());
  return body;
}

/** The slug leads nowhere: not in Postgres, not in the Redis cache. */
async function expectAbsent(slug: string) {
  expect((await call("GET", `/api/v1/links/${slug}`)).status).toBe(404);
  expect(await redis.get(redisKeys.link(slug))).toBeNull();
}

const post = (body: unknown) => call("POST", "/api/v1/links", { body });

describe("POST /api/v1/links with bad input", () => {
  it("refuses malformed JSON, a wrong content type and a missing body", async () => {
    const slug = uniqueSlug();
    const json = { "content-type": "application/json" };
    await expectProblem(await call("POST", "/api/v1/links", { raw: `{"url":"https://example.com","slug":"${slug}"`, headers: json }), 400);
    await expectProblem(await call("POST", "/api/v1/links", { raw: JSON.stringify({ url: "https://example.com", slug }), headers: { "content-type": "text/plain" } }), 415);
    await expectProblem(await call("POST", "/api/v1/links", { raw: `url=https://example.com&slug=${slug}`, headers: { "content-type": "application/x-www-form-urlencoded" } }), 415);
    await expectProblem(await call("POST", "/api/v1/links", { headers: json }), 400);
    await expectProblem(await call("POST", "/api/v1/links"), 400, ["url"]);
    await expectProblem(await call("POST", "/api/v1/links", { raw: "[]", headers: json }), 400);
    await expectProblem(await call("POST", "/api/v1/links", { raw: "null", headers: json }), 400);
    const deep = "[".repeat(30_000) + "]".repeat(30_000);
    await expectProblem(await call("POST", "/api/v1/links", { raw: deep, headers: json }), 400);
    await expectProblem(await call("POST", "/api/v1/links/bulk", { raw: deep, headers: json }), 400);
    await expectAbsent(slug);
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
    for (const [body, paths] of cases) await expectProblem(await post(body), 400, paths);
    await expectAbsent(slug);
  });

  it("refuses URLs that are not http(s), too long, or unparseable, in url and fallbackUrl", async () => {
    const slug = uniqueSlug();
    const long = `https://example.com/${"a".repeat(2049 - "https://example.com/".length)}`;
    const bad = ["ftp://example.com/f", "javascript:alert(1)", "data:text/html,hi", "mailto:a@example.com", "example.com/x",
      "https://", "http://exa mple.com", "", long, `https://example.com/${"ü".repeat(400)}`];
    for (const url of bad) {
      await expectProblem(await post({ url, slug }), 400, ["url"]);
      await expectProblem(await post({ url: "https://example.com", fallbackUrl: url, slug }), 400, ["fallbackUrl"]);
    }
    await expectAbsent(slug);
  });

  it("refuses a link to this service's own domain, a past expiry and reserved slugs (422)", async () => {
    const slug = uniqueSlug();
    for (const url of ["https://sho.rt/abc", "http://SHO.RT./x", "http://sho.rt:8080/"]) {
      await expectProblem(await post({ url, slug }), 422, ["url"]);
      await expectProblem(await post({ url: "https://example.com", fallbackUrl: url, slug }), 422, ["fallbackUrl"]);
    }
    await expectProblem(await post({ url: "https://example.com", slug, expiresAt: new Date(Date.now() - 1000).toISOString() }), 422, ["expiresAt"]);
    await expectProblem(await post({ url: "https://sho.rt/", slug, expiresAt: "2000-01-01T00:00:00Z" }), 422, ["url", "expiresAt"]);
    await expectAbsent(slug);
    for (const reserved of ["api", "API", "docs", "Docs", "healthz", "app", "assets", "_", "_next", "cdn-cgi", "openapi"]) {
      await expectProblem(await post({ url: "https://example.com", slug: reserved }), 422, ["slug"]);
    }
  });

  it("refuses an expiry that is an instant past 9999 (Postgres cannot read its ISO text), on create, bulk create and patch", async () => {
    const slug = uniqueSlug();
    const link = await createLink({ url: "https://example.com/expiry" });
    // Each passes the ISO pattern; the offset moves it into the year 10000.
    for (const expiresAt of ["9999-12-31T23:59:59-23:59", "9999-12-31T12:00:00-12:00"]) {
      await expectProblem(await post({ url: "https://example.com", slug, expiresAt }), 400, ["expiresAt"]);
      const bulk = await call("POST", "/api/v1/links/bulk", { body: { links: [{ url: "https://example.com", slug, expiresAt }] } });
      expect(bulk.status).toBe(200);
      expect(((await bulk.json()) as any).results[0]).toMatchObject({ ok: false, error: { status: 400, errors: [{ path: "expiresAt" }] } });
      await expectProblem(await call("PATCH", `/api/v1/links/${link.slug}`, { body: { expiresAt } }), 400, ["expiresAt"]);
    }
    await expectAbsent(slug);
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
    await expectProblem(await post({ url: "https://example.com", slug, validSince }), 400, ["validSince"]);
    await expectProblem(await call("PATCH", `/api/v1/links/${link.slug}`, { body: { validSince } }), 400, ["validSince"]);
    const shlink = await call("PATCH", `/rest/v3/short-urls/${link.slug}`, { body: { validSince }, headers: { "x-api-key": config.ADMIN_API_KEY } });
    expect(shlink.status).toBe(400);
    await expectAbsent(slug);
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
    for (const [fields, paths] of cases) await expectProblem(await post({ url: "https://example.com", slug, ...fields }), 400, paths);
    await expectAbsent(slug);
    // A well-formed pair (an emoji) is text like any other.
    const emoji = await post({ url: "https://example.com", title: "\ud83d\ude00", tags: ["\ud83d\ude00"] });
    expect(emoji.status).toBe(201);
    expect(await emoji.json()).toMatchObject({ title: "😀", tags: ["😀"] });
  });

  it("refuses malformed custom slugs (400)", async () => {
    for (const slug of ["", "a b", "a.b", "a/b", "ü", "x".repeat(65), "emoji😀"]) {
      await expectProblem(await post({ url: "https://example.com", slug }), 400, ["slug"]);
    }
  });

  it("answers 409 for a taken slug and leaves the existing link as it was", async () => {
    const link = await createLink({ url: "https://example.com/original" });
    await expectProblem(await post({ url: "https://example.com/intruder", slug: link.slug }), 409);
    expect(await (await call("GET", `/api/v1/links/${link.slug}`)).json()).toEqual(link);
    expect(await redis.get(redisKeys.link(link.slug))).toMatchObject({ url: "https://example.com/original" });
  });

  it("answers 413 to a body over 1 MiB, announced or streamed", async () => {
    const slug = uniqueSlug();
    const big = JSON.stringify({ url: "https://example.com", slug, title: "x".repeat(1_100_000) });
    await expectProblem(await call("POST", "/api/v1/links", { raw: big, headers: { "content-type": "application/json" } }), 413);
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    await expectProblem(await call("POST", "/api/v1/links", { raw: stream, headers: { "content-type": "application/json" } }), 413);
    await expectAbsent(slug);
  });
});

describe("POST /api/v1/links/bulk with bad input", () => {
  it("refuses the whole request when its envelope is wrong, creating nothing", async () => {
    const slug = uniqueSlug();
    const item = { url: "https://example.com", slug };
    await expectProblem(await call("POST", "/api/v1/links/bulk", { body: { links: [] } }), 400, ["links"]);
    await expectProblem(await call("POST", "/api/v1/links/bulk", { body: [item] }), 400);
    await expectProblem(await call("POST", "/api/v1/links/bulk", { body: { links: [item], more: 1 } }), 400, ["more"]);
    await expectProblem(await call("POST", "/api/v1/links/bulk", { body: { links: item } }), 400, ["links"]);
    const tooMany = { links: [item, ...Array.from({ length: 1000 }, () => ({ url: "https://example.com" }))] };
    await expectProblem(await call("POST", "/api/v1/links/bulk", { body: tooMany }), 400, ["links"]);
    const huge = { links: [item, ...Array.from({ length: 1000 }, () => ({ url: "https://example.com", title: "x".repeat(2100) }))] };
    await expectProblem(await call("POST", "/api/v1/links/bulk", { body: huge }), 413);
    await expectAbsent(slug);
  });

  it("refuses more than 100 password-protected links in one request", async () => {
    const slug = uniqueSlug();
    const links = [{ url: "https://example.com", slug }, ...Array.from({ length: 101 }, () => ({ url: "https://example.com", password: "pw" }))];
    await expectProblem(await call("POST", "/api/v1/links/bulk", { body: { links } }), 400, ["links"]);
    await expectAbsent(slug);
  });
});

describe("reading, patching and deleting with bad input", () => {
  it("answers 400 to malformed slugs and 404 to unknown ones", async () => {
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const body = method === "PATCH" ? { title: "x" } : undefined;
      await expectProblem(await call(method, `/api/v1/links/${encodeURIComponent("a b")}`, { body }), 400, ["slug"]);
      await expectProblem(await call(method, `/api/v1/links/${"x".repeat(65)}`, { body }), 400, ["slug"]);
      await expectProblem(await call(method, `/api/v1/links/${uniqueSlug("nope")}`, { body }), 404);
    }
  });

  it("refuses bad patches and changes nothing", async () => {
    const link = await createLink({ url: "https://example.com/stay", title: "Stay" });
    const other = await createLink({ url: "https://example.com/other" });
    const patch = (body: unknown) => call("PATCH", `/api/v1/links/${link.slug}`, { body });
    await expectProblem(await patch({ url: null }), 400, ["url"]);
    await expectProblem(await patch({ slug: null }), 400, ["slug"]);
    await expectProblem(await patch({ title: "x", color: "red" }), 400, ["color"]);
    await expectProblem(await patch({ url: "https://sho.rt/loop" }), 422, ["url"]);
    await expectProblem(await patch({ slug: "docs" }), 422, ["slug"]);
    await expectProblem(await patch({ expiresAt: "2001-01-01T00:00:00Z" }), 422, ["expiresAt"]);
    await expectProblem(await patch({ slug: other.slug, title: "Taken" }), 409, ["slug"]);
    await expectProblem(await call("PATCH", `/api/v1/links/${link.slug}`, { raw: "{", headers: { "content-type": "application/json" } }), 400);
    await expectProblem(await call("PATCH", `/api/v1/links/${link.slug}`, { raw: "{}", headers: { "content-type": "text/plain" } }), 415);
    expect(await (await call("GET", `/api/v1/links/${link.slug}`)).json()).toEqual(link);
    expect(await (await call("GET", `/api/v1/links/${other.slug}`)).json()).toEqual(other);
    expect(await redis.get(redisKeys.link(link.slug))).toMatchObject({ url: "https://example.com/stay" });
  });
});

describe("GET /api/v1/links with bad parameters", () => {
  it("answers 400 to bad cursors, limits and unknown parameters", async () => {
    const b64 = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const cursors = [
      "!!!", "a", b64("not json"), b64("{}"), b64('["2026-01-01T00:00:00.000000Z"]'), b64("[1,2]"),
      b64('["2026-02-30T00:00:00.000000Z","x"]'), b64('["99999-01-01T00:00:00.000000Z","x"]'),
      b64('["2026-01-01 00:00:00","x"]'), b64('["2026-01-01T00:00:00.000000Z","a\\u0000"]'), "x".repeat(501),
    ];
    for (const cursor of cursors) {
      await expectProblem(await call("GET", `/api/v1/links?cursor=${encodeURIComponent(cursor)}`), 400, ["cursor"]);
    }
    for (const limit of ["0", "101", "abc", "1.5", "-1", ""]) {
      await expectProblem(await call("GET", `/api/v1/links?limit=${limit}`), 400, ["limit"]);
    }
    await expectProblem(await call("GET", "/api/v1/links?tags=x"), 400, ["tags"]);
    await expectProblem(await call("GET", "/api/v1/links?limit=1&limit=2"), 400, ["limit"]);
    await expectProblem(await call("GET", `/api/v1/links?q=${"x".repeat(201)}`), 400, ["q"]);
    await expectProblem(await call("GET", "/api/v1/links?q=%00"), 400, ["q"]);
  });

  it("accepts a cursor signed with the deployment's key at any position and simply answers the rows after it", async () => {
    const cursor = await encodeCursor(config, { createdAt: "1999-01-01T00:00:00.000000Z", id: "z" }, {});
    const res = await call("GET", `/api/v1/links?cursor=${cursor}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: [], nextCursor: null });
  });

  it("answers 400, not 500, to a cursor at a position Postgres cannot read, signed or not", async () => {
    const b64 = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    // The cursor: year 0, which JS dates accept and Postgres (no year 0) refuses.
    const unsigned = b64('["0000-01-01T00:00:00.000000Z","x"]');
    await expectProblem(await call("GET", `/api/v1/links?cursor=${unsigned}`), 400, ["cursor"]);
    // Signed with this deployment's key, as a bug that signed a bad position would: still refused.
    for (const createdAt of ["0000-01-01T00:00:00.000000Z", "0000-12-31T23:59:59.999000Z", "2026-02-30T00:00:00.000000Z"]) {
      const signed = await encodeCursor(config, { createdAt, id: "x" }, {});
      await expectProblem(await call("GET", `/api/v1/links?cursor=${signed}`), 400, ["cursor"]);
    }
  });
});
