/**
 * Refusals of the tags routes: a bad new name or a bad `{tag}` (too long, control characters, NUL, text that
 * is not UTF-8, a broken percent-encoding) is a 400 problem naming the field, an unused tag a 404, a body that
 * is not JSON a 400 or 415; never a 5xx, and the tag stays as it was.
 */
import { describe, expect, it } from "vitest";
import { createLink } from "./helpers/api.ts";
import { tagPath, tagsOf, uniqueTag } from "./helpers/tags.ts";
import { call } from "./helpers/worker.ts";

async function problem(res: Response, status: number) {
  expect(res.status, await res.clone().text()).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as { status: number; errors?: { path: string; message: string }[] };
  expect(body.status).toBe(status);
  return body;
}

describe("PATCH /api/v1/tags/{tag}", () => {
  it.each([
    [{ name: "" }, "name"],
    [{ name: "   " }, "name"],
    [{ name: "x".repeat(51) }, "name"],
    [{ name: "a\u0007b" }, "name"],
    [{ name: "a\u0000b" }, "name"],
    [{ name: "\ud800" }, "name"],
    [{ name: 5 }, "name"],
    [{}, "name"],
    [{ name: "ok", extra: 1 }, "extra"],
  ])("refuses the body %j with 400 naming %s, and renames nothing", async (body, path) => {
    const tag = uniqueTag();
    const link = await createLink({ url: "https://example.com/e", tags: [tag] });
    const p = await problem(await call("PATCH", tagPath(tag), { body }), 400);
    expect(p.errors?.map((e) => e.path)).toContain(path);
    expect(await tagsOf(link.slug)).toEqual([tag]);
  });

  it("refuses a body that is not JSON", async () => {
    const tag = uniqueTag();
    await createLink({ url: "https://example.com/e", tags: [tag] });
    await problem(await call("PATCH", tagPath(tag), { raw: "{", headers: { "content-type": "application/json" } }), 400);
    await problem(await call("PATCH", tagPath(tag), { raw: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415);
  });

  it("answers 404 for a tag no link carries", async () => {
    await problem(await call("PATCH", tagPath(uniqueTag("none")), { body: { name: uniqueTag() } }), 404);
  });
});

describe("{tag} in the path", () => {
  const bad = [
    ["51 characters", "x".repeat(51)],
    ["10,000 characters", "x".repeat(10_000)],
    ["NUL", "%00"],
    ["a control character", "a%07b"],
    ["a lone surrogate (CESU-8)", "%ED%A0%80"],
    ["bytes that are not UTF-8", "%FF%FE"],
    ["a broken percent-encoding", "%E0%A4%A"],
    ["a lone percent sign", "%"],
    ["blank", "%20%20"],
  ];
  for (const method of ["PATCH", "DELETE"]) {
    it.each(bad)(`${method}: %s is a 4xx problem, never a 5xx`, async (_, segment) => {
      const res = await call(method, `/api/v1/tags/${segment}`, method === "PATCH" ? { body: { name: uniqueTag() } } : {});
      expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    });
  }

  it("a valid name no link carries is 404 on DELETE", async () => {
    await problem(await call("DELETE", tagPath(uniqueTag("none"))), 404);
  });
});
