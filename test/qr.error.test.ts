/**
 * GET /api/v1/links/{slug}/qr refusing (issue 29): malformed choices are 400s naming the parameter, codes
 * that would not scan or cannot be drawn are 422s naming what to change, unknown links and domains 404, and
 * a caller without links:read is refused. Never a 5xx, a stored logo that is not an image included.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLink, mintKey } from "./helpers/api.ts";
import { DomainFixtures, setQrLogo } from "./helpers/domains.ts";
import { pngDataUrl, readQrPng, svgDataUrl, testLogos } from "./helpers/qr.ts";
import { call } from "./helpers/worker.ts";

const fixtures = new DomainFixtures();
afterAll(() => fixtures.cleanup());

let link: { slug: string; id: string; shortUrl: string };
beforeAll(async () => {
  link = await createLink({ url: "https://example.com/qr-errors" });
  fixtures.links.add(link.id);
});

/** The problem of `path`, whose status must be `status`; the paths its errors name. */
async function refused(path: string, status: number, opts: Parameters<typeof call>[2] = {}): Promise<{ paths: string[]; messages: string }> {
  const res = await call("GET", path, opts);
  const text = await res.text();
  expect(res.status, `${path}: ${text}`).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = JSON.parse(text) as { status: number; errors?: { path: string; message: string }[] };
  expect(body.status).toBe(status);
  return { paths: (body.errors ?? []).map((e) => e.path), messages: (body.errors ?? []).map((e) => e.message).join(" | ") };
}
const qrOf = (query: string, slug = link.slug) => `/api/v1/links/${slug}/qr?${query}`;

describe("malformed choices: 400 naming the parameter", () => {
  it.each([
    ["format=gif", "format"], ["format=PNG", "format"], ["size=63", "size"], ["size=2049", "size"], ["size=abc", "size"], ["size=1.5", "size"],
    ["size=", "size"], ["margin=-1", "margin"], ["margin=17", "margin"], ["fg=red", "fg"], ["fg=%23ff000080", "fg"], ["fg=%23fff", "fg"],
    ["bg=%2312345", "bg"], ["bg=%23ggffff", "bg"], ["ecc=X", "ecc"], ["ecc=m", "ecc"], ["logo=yes", "logo"], ["logo=1", "logo"],
    ["colour=%23000000", "colour"], ["domain=not%20a%20host", "domain"],
  ])("%s", async (query, param) => {
    expect((await refused(qrOf(query), 400)).paths).toEqual([param]);
  });

  it("a malformed slug names no link", async () => {
    expect((await refused("/api/v1/links/a%20b/qr", 400)).paths).toEqual(["slug"]);
  });
});

describe("codes that would not scan: 422 naming what to change", () => {
  it("refuses a low contrast and a light foreground on a dark ground, naming fg and bg", async () => {
    const low = await refused(qrOf("fg=%23aaaaaa&bg=%23ffffff"), 422);
    expect(low.paths).toEqual(["fg", "bg"]);
    expect(low.messages).toMatch(/2\.32:1 .* under 4.5:1/);
    const inverted = await refused(qrOf("fg=ffffff&bg=000000"), 422);
    expect(inverted.paths).toEqual(["fg", "bg"]);
    expect(inverted.messages).toMatch(/darker/);
    // A transparent ground is judged by the colour it names.
    expect((await refused(qrOf("fg=000000&bg=00000000"), 422)).paths).toEqual(["fg", "bg"]);
  });

  it("refuses a size that leaves a module under 2 pixels, saying the least size", async () => {
    const small = await refused(qrOf("size=64&margin=16"), 422);
    expect(small.paths).toEqual(["size"]);
    expect(small.messages).toMatch(/at least \d+ px/);
    // Every reason at once.
    expect((await refused(qrOf("size=64&margin=16&fg=eeeeee"), 422)).paths.sort()).toEqual(["bg", "fg", "size"]);
  });
});

describe("logos: 422 naming logo", () => {
  async function linkWithLogo(dataUrl: string | null) {
    const { hostname } = await fixtures.add();
    if (dataUrl !== null) await setQrLogo(hostname, dataUrl);
    return (await createLink({ url: "https://example.com/qr-logo", domain: hostname })) as { slug: string; domain: string };
  }
  const at = (l: { slug: string; domain: string }, query: string) => `/api/v1/links/${l.slug}/qr?domain=${l.domain}&${query}`;

  it("refuses logo=true on a domain without a qrLogo, naming the setting", async () => {
    const l = await linkWithLogo(null);
    const res = await refused(at(l, "logo=true"), 422);
    expect(res.paths).toEqual(["logo"]);
    expect(res.messages).toMatch(/no qrLogo/);
    const header = await call("GET", at(l, "logo=true"));
    expect(header.headers.get("x-qr-logo")).toBe("none");
  });

  it("refuses an SVG logo in a PNG code: there is no SVG rasteriser here (SVG codes draw it: browser/qr.browser.ts)", async () => {
    const l = await linkWithLogo(svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><circle cx="1" cy="1" r="1" fill="red"/></svg>'));
    const res = await refused(at(l, "logo=true"), 422);
    expect(res.paths).toEqual(["logo"]);
    expect(res.messages).toMatch(/format=svg/);
  });

  it("refuses a stored logo that is not an image it can read, as a 422 and not a 500", async () => {
    const corrupt = pngDataUrl(testLogos.grey.png.slice(0, 40));
    for (const stored of [corrupt, "data:image/png;base64,AAAA", "data:text/html;base64,PGI+", 'data:image/svg+xml;base64,PHN2Zy8+"/><script>']) {
      const l = await linkWithLogo(stored);
      expect((await refused(at(l, "logo=true"), 422)).paths, stored).toEqual(["logo"]);
    }
  });

  it("on Workers Free refuses what the plan's 10 ms of CPU cannot draw: a PNG over 512 px, or with a logo", async () => {
    const l = await linkWithLogo(pngDataUrl(testLogos.rgba.png));
    const free = { settings: { PLAN: "free" } };
    expect((await refused(at(l, "size=1024"), 422, free)).paths).toEqual(["size"]);
    expect((await refused(at(l, "size=256&logo=true"), 422, free)).paths).toEqual(["logo"]);
    const drawn = await call("GET", at(l, "size=512"), free);
    expect(readQrPng(new Uint8Array(await drawn.arrayBuffer()))).toMatch(new RegExp(`/${l.slug}$`));
  });
});

describe("what the caller may not see", () => {
  it("answers an unknown slug and an unknown domain 404", async () => {
    await refused(qrOf("", `none-${crypto.randomUUID().slice(0, 8)}`), 404);
    expect((await refused(qrOf("domain=nowhere.example.test"), 404)).paths).toEqual(["domain"]);
  });

  it("refuses no key (401) and a key without links:read (403)", async () => {
    await refused(qrOf(""), 401, { key: null });
    await refused(qrOf(""), 403, { key: (await mintKey(["analytics:read"])).key });
    const res = await call("GET", qrOf("size=100"), { key: (await mintKey(["links:read"])).key });
    expect(readQrPng(new Uint8Array(await res.arrayBuffer()))).toBe(link.shortUrl);
  });
});
