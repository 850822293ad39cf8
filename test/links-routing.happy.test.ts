/**
 * Links with routing rules and A/B variants through the links API: create, get, patch (null clears), bulk,
 * stored normalized and written through to the link cache; refused with 400 (schema) or 422 (policy)
 * problem+json, changing nothing, when they are not valid.
 */
import { describe, expect, it } from "vitest";
import type { Link } from "../functions/api/links/schemas.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { createLink } from "./helpers/api.ts";
import { redis } from "./helpers/redis.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const rules = [
  {
    url: "https://EXAMPLE.com/iOS page",
    conditions: [
      { type: "device", matchValue: "ios" },
      { type: "query-param", matchKey: "ref", matchValue: "beta" },
    ],
  },
  { url: "https://example.com/de", conditions: [{ type: "language", matchKey: null, matchValue: "de" }] },
];
const variants = [
  { url: "https://example.com/a", weight: 60 },
  { url: "https://bücher.example/b", weight: 40 },
];
/** The form the API stores and answers: URLs normalized, unused fields null. */
const storedRules = [
  {
    url: "https://example.com/iOS%20page",
    conditions: [
      { type: "device", matchKey: null, matchValue: "ios" },
      { type: "query-param", matchKey: "ref", matchValue: "beta" },
    ],
  },
  { url: "https://example.com/de", conditions: [{ type: "language", matchKey: null, matchValue: "de" }] },
];
const storedVariants = [
  { url: "https://example.com/a", weight: 60 },
  { url: "https://xn--bcher-kva.example/b", weight: 40 },
];

const get = async (slug: string): Promise<Link> => (await call("GET", `/api/v1/links/${slug}`)).json();

describe("links with rules and variants", () => {
  it("are created, answered and cached in their stored form; a link without them has [] and null", async () => {
    const link = await createLink({ url: "https://example.com/", slug: uniqueSlug(), rules, variants });
    expect(link).toMatchObject({ rules: storedRules, variants: storedVariants });
    expect(await get(link.slug)).toEqual(link);
    expect(await redis.get(redisKeys.link(link.slug))).toMatchObject({ rules: storedRules, variants: storedVariants });

    const plain = await createLink({ url: "https://example.com/plain" });
    expect(plain).toMatchObject({ rules: [], variants: null });
    // An ordinary link's cache entry stays as it was: no routing fields at all.
    const entry = (await redis.get(redisKeys.link(plain.slug))) as Record<string, unknown>;
    expect(Object.keys(entry)).not.toContain("rules");
    expect(Object.keys(entry)).not.toContain("variants");
  });

  it("are replaced by a PATCH, left alone by a PATCH without them, and cleared by null", async () => {
    const link = await createLink({ url: "https://example.com/", rules, variants });
    const res = await call("PATCH", `/api/v1/links/${link.slug}`, { body: { rules: [rules[1]] } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ rules: [storedRules[1]], variants: storedVariants });
    expect(await (await call("PATCH", `/api/v1/links/${link.slug}`, { body: { title: "t" } })).json()).toMatchObject({
      rules: [storedRules[1]], variants: storedVariants,
    });
    const cleared = await call("PATCH", `/api/v1/links/${link.slug}`, { body: { rules: null, variants: null } });
    expect(await cleared.json()).toMatchObject({ rules: [], variants: null });
    expect(await get(link.slug)).toMatchObject({ rules: [], variants: null });
    const entry = (await redis.get(redisKeys.link(link.slug))) as Record<string, unknown>;
    expect([entry.rules, entry.variants]).toEqual([undefined, undefined]);
  });

  it("are created in bulk, each item judged alone", async () => {
    const res = await call("POST", "/api/v1/links/bulk", {
      body: {
        links: [
          { url: "https://example.com/1", rules },
          { url: "https://example.com/2", variants: [{ url: "https://example.com/a", weight: 50 }] },
          { url: "https://example.com/3", variants },
        ],
      },
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: any[] };
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[0].link.rules).toEqual(storedRules);
    expect(results[1].error).toMatchObject({ status: 400 });
    expect(results[1].error.errors.map((e: { path: string }) => e.path)).toContain("variants");
    expect(results[2].link.variants).toEqual(storedVariants);
  });

  it("accept the most routing allowed: 50 rules of 10 conditions and 10 variants", async () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      url: `https://example.com/r${i}/${"p".repeat(1900)}`,
      conditions: Array.from({ length: 10 }, (_, j) => ({ type: "query-param", matchKey: `k${j}${"k".repeat(250)}`, matchValue: "v".repeat(1024) })),
    }));
    const ten = Array.from({ length: 10 }, (_, i) => ({ url: `https://example.com/v${i}`, weight: 10 }));
    const link = await createLink({ url: "https://example.com/", rules: many, variants: ten });
    expect(link.rules).toHaveLength(50);
    expect(link.variants).toHaveLength(10);
  });
});

describe("invalid rules and variants", () => {
  const refused = async (body: Record<string, unknown>, status: number, path: string) => {
    const slug = uniqueSlug();
    const res = await call("POST", "/api/v1/links", { body: { url: "https://example.com/", slug, ...body } });
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const p = (await res.json()) as { status: number; errors: { path: string; message: string }[] };
    expect(p.status).toBe(status);
    expect(p.errors.map((e) => e.path)).toContain(path);
    expect((await call("GET", `/api/v1/links/${slug}`)).status).toBe(404);
  };

  it.each([
    ["an unknown condition type", { rules: [{ url: "https://example.com/x", conditions: [{ type: "moon-phase", matchValue: "full" }] }] }, "rules.0.conditions.0.type"],
    ["an unknown device", { rules: [{ url: "https://example.com/x", conditions: [{ type: "device", matchValue: "toaster" }] }] }, "rules.0.conditions.0.matchValue"],
    ["a bad country", { rules: [{ url: "https://example.com/x", conditions: [{ type: "geolocation-country-code", matchValue: "XX" }] }] }, "rules.0.conditions.0.matchValue"],
    ["a bad IP pattern", { rules: [{ url: "https://example.com/x", conditions: [{ type: "ip-address", matchValue: "10.0.0.0/33" }] }] }, "rules.0.conditions.0.matchValue"],
    ["a date without zone", { rules: [{ url: "https://example.com/x", conditions: [{ type: "after-date", matchValue: "2026-12-24T18:00:00" }] }] }, "rules.0.conditions.0.matchValue"],
    ["a rule without conditions", { rules: [{ url: "https://example.com/x", conditions: [] }] }, "rules.0.conditions"],
    ["a javascript: URL", { rules: [{ url: "javascript:alert(1)", conditions: [{ type: "device", matchValue: "ios" }] }] }, "rules.0.url"],
    ["51 rules", { rules: Array.from({ length: 51 }, () => ({ url: "https://example.com/x", conditions: [{ type: "device", matchValue: "ios" }] })) }, "rules"],
    ["weights not adding up to 100", { variants: [{ url: "https://example.com/a", weight: 50 }, { url: "https://example.com/b", weight: 49 }] }, "variants"],
    ["a weight of 0", { variants: [{ url: "https://example.com/a", weight: 0 }, { url: "https://example.com/b", weight: 100 }] }, "variants.0.weight"],
  ])("400 for %s", async (_, body, path) => refused(body, 400, path));

  it("422 for a rule or a variant that points back at this service", async () => {
    await refused({ rules: [{ url: "http://sho.rt/loop", conditions: [{ type: "device", matchValue: "ios" }] }] }, 422, "rules.0.url");
    await refused({ variants: [{ url: "https://example.com/a", weight: 50 }, { url: "http://SHO.RT./b", weight: 50 }] }, 422, "variants.1.url");
  });

  it("a refused PATCH leaves the rules as they were", async () => {
    const link = await createLink({ url: "https://example.com/", rules });
    const res = await call("PATCH", `/api/v1/links/${link.slug}`, { body: { rules: [{ url: "https://example.com/x", conditions: [] }] } });
    expect(res.status).toBe(400);
    expect((await get(link.slug)).rules).toEqual(storedRules);
  });
});
