/**
 * Bad input to the links API's routes on links that exist (GET, PATCH and DELETE /api/v1/links/{slug}) and to
 * its list (GET /api/v1/links): every refusal is a 4xx application/problem+json that names what is wrong, and
 * nothing is changed (links.error.test.ts does the same for creating).
 */
import { describe, expect, it } from "vitest";
import { encodeCursor } from "../functions/api/links/cursor.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { createLink } from "./helpers/api.ts";
import { config } from "./helpers/env.ts";
import { expectLinksProblem } from "./helpers/links-problems.ts";
import { redis } from "./helpers/redis.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

describe("reading, patching and deleting with bad input", () => {
  it("answers 400 to malformed slugs and 404 to unknown ones", async () => {
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const body = method === "PATCH" ? { title: "x" } : undefined;
      await expectLinksProblem(await call(method, `/api/v1/links/${encodeURIComponent("a b")}`, { body }), 400, ["slug"]);
      await expectLinksProblem(await call(method, `/api/v1/links/${"x".repeat(65)}`, { body }), 400, ["slug"]);
      await expectLinksProblem(await call(method, `/api/v1/links/${uniqueSlug("nope")}`, { body }), 404);
    }
  });

  it("refuses bad patches and changes nothing", async () => {
    const link = await createLink({ url: "https://example.com/stay", title: "Stay" });
    const other = await createLink({ url: "https://example.com/other" });
    const patch = (body: unknown) => call("PATCH", `/api/v1/links/${link.slug}`, { body });
    await expectLinksProblem(await patch({ url: null }), 400, ["url"]);
    await expectLinksProblem(await patch({ slug: null }), 400, ["slug"]);
    await expectLinksProblem(await patch({ title: "x", color: "red" }), 400, ["color"]);
    await expectLinksProblem(await patch({ url: "https://sho.rt/loop" }), 422, ["url"]);
    await expectLinksProblem(await patch({ slug: "docs" }), 422, ["slug"]);
    await expectLinksProblem(await patch({ expiresAt: "2001-01-01T00:00:00Z" }), 422, ["expiresAt"]);
    await expectLinksProblem(await patch({ slug: other.slug, title: "Taken" }), 409, ["slug"]);
    await expectLinksProblem(await call("PATCH", `/api/v1/links/${link.slug}`, { raw: "{", headers: { "content-type": "application/json" } }), 400);
    await expectLinksProblem(await call("PATCH", `/api/v1/links/${link.slug}`, { raw: "{}", headers: { "content-type": "text/plain" } }), 415);
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
      await expectLinksProblem(await call("GET", `/api/v1/links?cursor=${encodeURIComponent(cursor)}`), 400, ["cursor"]);
    }
    for (const limit of ["0", "101", "abc", "1.5", "-1", ""]) {
      await expectLinksProblem(await call("GET", `/api/v1/links?limit=${limit}`), 400, ["limit"]);
    }
    await expectLinksProblem(await call("GET", "/api/v1/links?tags=x"), 400, ["tags"]);
    await expectLinksProblem(await call("GET", "/api/v1/links?limit=1&limit=2"), 400, ["limit"]);
    await expectLinksProblem(await call("GET", `/api/v1/links?q=${"x".repeat(201)}`), 400, ["q"]);
    await expectLinksProblem(await call("GET", "/api/v1/links?q=%00"), 400, ["q"]);
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
    await expectLinksProblem(await call("GET", `/api/v1/links?cursor=${unsigned}`), 400, ["cursor"]);
    // Signed with this deployment's key, as a bug that signed a bad position would: still refused.
    for (const createdAt of ["0000-01-01T00:00:00.000000Z", "0000-12-31T23:59:59.999000Z", "2026-02-30T00:00:00.000000Z"]) {
      const signed = await encodeCursor(config, { createdAt, id: "x" }, {});
      await expectLinksProblem(await call("GET", `/api/v1/links?cursor=${signed}`), 400, ["cursor"]);
    }
  });
});
