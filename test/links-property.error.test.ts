/** Property tests of input to the links API: no body and no slug yields a 5xx. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Link } from "../functions/api/links/schemas.ts";
import { isReservedSlug, isValidSlug } from "../functions/shared/slugs.ts";
import { createLink, mintKey } from "./helpers/api.ts";
import { call } from "./helpers/worker.ts";

describe("property: no input yields a 5xx", () => {
  const text = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme", maxLength: 80 }));
  const url = fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), text, fc.constant("https://sho.rt/x"));
  const field = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.constant(null), fc.jsonValue());
  const linkBody = fc.record(
    {
      url: field(url),
      slug: field(fc.oneof(text, fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/))),
      redirectType: field(fc.oneof(fc.constantFrom(301, 302, 307, 308), fc.integer())),
      title: field(text),
      tags: field(fc.array(text, { maxLength: 25 })),
      expiresAt: field(fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), text)),
      maxClicks: field(fc.oneof(fc.integer(), fc.double(), fc.bigInt().map(String))),
      fallbackUrl: field(url),
      password: field(text),
      extra: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  const anyBody = fc.oneof(linkBody, fc.jsonValue(), fc.string().map((raw) => ({ raw })));

  const send = (method: string, path: string, key: string, body: unknown) =>
    call(method, path, body && typeof body === "object" && "raw" in body && Object.keys(body).length === 1
      ? { key, raw: String((body as { raw: unknown }).raw), headers: { "content-type": "application/json" } }
      : { key, body });

  it("POST /api/v1/links", async () => {
    const { key } = await mintKey(["links:write"]);
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        const res = await send("POST", "/api/v1/links", key, body);
        expect(res.status).toBeLessThan(500);
        if (res.status === 201) expect(Link.safeParse(await res.json()).success).toBe(true);
        else expect(res.headers.get("content-type")).toBe("application/problem+json");
      }),
      { numRuns: 150 },
    );
  });

  it("PATCH /api/v1/links/{slug}", async () => {
    const { key } = await mintKey(["links:write"]);
    let slug = (await createLink({ url: "https://example.com/prop" })).slug;
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        const res = await send("PATCH", `/api/v1/links/${slug}`, key, body);
        expect(res.status).toBeLessThan(500);
        if (res.status === 200) {
          const link = await res.json();
          expect(Link.safeParse(link).success).toBe(true);
          slug = (link as { slug: string }).slug; // a valid patch may have moved it
        } else {
          expect(res.status).not.toBe(404);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("slugs: reading answers 200/400/404, creating succeeds exactly for valid, unreserved slugs", async () => {
    const { key } = await mintKey(["links:write", "links:read"]);
    const slug = fc.oneof(fc.string({ unit: "grapheme", maxLength: 70 }), fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/));
    await fc.assert(
      fc.asyncProperty(slug, async (s) => {
        const read = await call("GET", `/api/v1/links/${encodeURIComponent(s)}`, { key });
        expect([200, 400, 404]).toContain(read.status);
        const res = await call("POST", "/api/v1/links", { key, body: { url: "https://example.com/s", slug: s } });
        if (isValidSlug(s) && !isReservedSlug(s)) expect([201, 409]).toContain(res.status);
        else expect([400, 422]).toContain(res.status);
      }),
      { numRuns: 150 },
    );
  });
});
