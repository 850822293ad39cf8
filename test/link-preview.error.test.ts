/**
 * Bad preview cards: each is a 4xx problem+json naming the card's field at fault, and changes nothing (no link
 * made, an existing card and its cache entry left as they were). A property test sends free-form cards and
 * checks the answer against an oracle of the documented rules (docs/previews.md), written apart from the
 * route's schema.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { createLink } from "./helpers/api.ts";
import { DomainFixtures } from "./helpers/domains.ts";
import { expectLinkAbsent, expectLinksProblem } from "./helpers/links-problems.ts";
import { redis } from "./helpers/redis.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const made = new DomainFixtures();
afterAll(() => made.cleanup());

const LIMITS = { title: 200, description: 1000, image: 2048 } as const;

const BAD: [string, unknown, string][] = [
  ["a javascript: image", { image: "javascript:alert(1)" }, "preview.image"],
  ["an http image", { image: "http://img.example/x.png" }, "preview.image"],
  ["a relative image", { image: "/card.png" }, "preview.image"],
  ["an image too long", { image: `https://img.example/${"a".repeat(LIMITS.image)}` }, "preview.image"],
  ["a title too long", { title: "t".repeat(LIMITS.title + 1) }, "preview.title"],
  ["a description too long", { description: "d".repeat(LIMITS.description + 1) }, "preview.description"],
  ["a line break in the title", { title: "two\nlines" }, "preview.title"],
  ["a NUL in the description", { description: "a\u0000b" }, "preview.description"],
  ["a lone surrogate in the title", { title: "a\ud800b" }, "preview.title"],
  ["a number as title", { title: 42 }, "preview.title"],
  ["an unknown field", { title: "t", video: "https://v.example/" }, "preview.video"],
  ["a string card", "https://img.example/x.png", "preview"],
  ["an array card", [{ title: "t" }], "preview"],
];

describe("a bad preview card", () => {
  // Named by what is wrong, not by the value: a lone surrogate cannot travel in a test's name.
  it.each(BAD.map(([what, preview, path]) => [what, path, preview] as const))("on create: %s is a 400 naming %s, and no link is made", async (_what, path, preview) => {
    const slug = uniqueSlug("bad-card");
    const res = await call("POST", "/api/v1/links", { body: { url: "https://dest.example/x", slug, preview } });
    await expectLinksProblem(res, 400, [path]);
    await expectLinkAbsent(slug);
  });

  it("on patch: every bad card is refused and the link, its card and its cache entry stay as they were", async () => {
    const link = await createLink({ url: "https://dest.example/keep", preview: { title: "Kept", image: "https://img.example/k.png" } });
    made.links.add(link.id);
    const entry = await redis.get(redisKeys.link(link.slug));
    expect((entry as any).preview).toEqual(link.preview);
    for (const [what, preview, path] of BAD) {
      const res = await call("PATCH", `/api/v1/links/${link.slug}`, { body: { title: "changed too", preview } });
      await expectLinksProblem(res, 400, [path]);
      expect(await (await call("GET", `/api/v1/links/${link.slug}`)).json(), what).toEqual({ ...link, clicks: 0 });
      expect(await redis.get(redisKeys.link(link.slug)), what).toEqual(entry);
    }
  });

  it("in an import: the row fails alone, with the card's field in its message", async () => {
    const { hostname } = await made.add();
    const csv = [
      "url,slug,id,redirectType,preview",
      `https://dest.example/1,ok-row,,302,"{""title"":""Fine""}"`,
      `https://dest.example/2,http-image,,302,"{""image"":""http://img.example/x.png""}"`,
      `https://dest.example/3,not-json,,302,{title`,
    ].join("\n");
    const res = await call("POST", `/api/v1/links/import?domain=${hostname}`, { raw: csv, headers: { "content-type": "text/csv" } });
    const report = (await res.json()) as any;
    expect(report).toMatchObject({ format: "csv", created: 1, failed: 2 });
    expect(report.errors).toEqual([
      { line: 3, message: "preview.image: must be an https URL" },
      { line: 4, message: "preview: is not JSON" },
    ]);
  });
});

/** The documented rules, as an oracle: the stored card, or null for none; undefined when the card is refused. */
function expected(preview: unknown): { title: string | null; description: string | null; image: string | null } | null | undefined {
  if (preview === null) return null;
  if (typeof preview !== "object" || Array.isArray(preview)) return undefined;
  const card = preview as Record<string, unknown>;
  if (Object.keys(card).some((k) => !(k in LIMITS))) return undefined;
  const out: Record<string, string | null> = {};
  for (const k of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) {
    const v = card[k];
    if (v === undefined || v === null) { out[k] = null; continue; }
    if (typeof v !== "string" || v.length > LIMITS[k] || /\p{Cs}/u.test(v)) return undefined;
    if (k !== "image" && /\p{Cc}/u.test(v)) return undefined;
    if (v.trim() === "") { out[k] = null; continue; }
    if (k === "image") {
      let url: URL;
      try { url = new URL(v); } catch { return undefined; }
      if (url.protocol !== "https:" || !url.hostname || url.username || url.password) return undefined;
      out[k] = url.href;
    } else out[k] = v;
  }
  return out.title === null && out.description === null && out.image === null ? null : (out as never);
}

describe("property: a free-form card is stored as the rules say, or refused naming the card and nothing is made", () => {
  const text = (max: number) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
      { weight: 1, arbitrary: fc.constantFrom("", "   ", "\t", "é\u200b", `"><script>`, "a\r\nb", "\ud800", "x".repeat(max), "x".repeat(max + 1)) },
      { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.constant({})) },
    );
  const image = fc.oneof(
    { weight: 4, arbitrary: fc.webUrl({ validSchemes: ["https"], withQueryParameters: true, withFragments: true }) },
    { weight: 1, arbitrary: fc.webUrl({ validSchemes: ["http", "ftp"] }) },
    { weight: 1, arbitrary: fc.constantFrom("javascript:alert(1)", "https://", "https://u:p@img.example/", "", " ", `https://img.example/${"a".repeat(2030)}`, "https://img.example/\u0000") },
    { weight: 1, arbitrary: text(LIMITS.image) },
  );
  const card = fc.record({ title: text(LIMITS.title), description: text(LIMITS.description), image }, { requiredKeys: [] });
  const preview = fc.oneof(
    { weight: 8, arbitrary: card },
    { weight: 1, arbitrary: card.map((c) => ({ ...c, extra: 1 })) },
    { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.string(), fc.array(fc.string(), { maxLength: 2 }), fc.integer()) },
  );

  it("POST /api/v1/links", async () => {
    await fc.assert(
      fc.asyncProperty(preview, async (p) => {
        const slug = uniqueSlug("prop-card");
        const res = await call("POST", "/api/v1/links", { body: { url: "https://dest.example/prop", slug, preview: p } });
        const want = expected(p);
        if (want === undefined) {
          const body = await expectLinksProblem(res, 400);
          for (const e of body.errors) expect(e.path).toMatch(/^preview(\.|$)/);
          await expectLinkAbsent(slug);
        } else {
          expect(res.status, await res.clone().text()).toBe(201);
          const link = (await res.json()) as any;
          made.links.add(link.id);
          expect(link.preview).toEqual(want);
        }
      }),
      { numRuns: 60 },
    );
  });
});
