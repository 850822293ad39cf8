/// <reference lib="dom" />
/**
 * QR codes in Chromium (issue 29). On a link's page a person picks colours and a size, sees the image
 * change, and downloads the styled PNG, which fast-png and jsQR read back as the short URL; the SVG is
 * rasterised by Chromium itself (drawn on a canvas) and read by jsQR in the page. Every SVG the API draws
 * here, across sizes, levels, margins, colours, a transparent ground and PNG and SVG logos, is read the
 * same way: this is where SVG codes are proved to scan.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { pngDataUrl, pngPixels, readQrPng, svgDataUrl, testLogos } from "../helpers/qr.ts";
import { uniqueSlug } from "../helpers/unique.ts";
import { ADMIN_KEY, databaseUrl, openSuite, signIn, type BrowserSession, type Suite } from "./harness.ts";

let suite: Suite | undefined;
let worker: WorkerServer;
let browser: BrowserSession;
let page: Page;
/** A blank page (no CSP) with jsQR loaded, where SVG codes are rasterised and read. */
let reader: Page;
type Link = { slug: string; domain: string; shortUrl: string };
let plain: Link;
const withLogo: Record<"png" | "svg", Link> = {} as never;
const hosts: string[] = [];
const made: Link[] = [];

const api = async (method: string, path: string, body?: unknown) =>
  fetch(`${worker.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

async function newLink(body: Record<string, unknown>): Promise<Link> {
  const res = await api("POST", "/api/v1/links", { url: "https://example.com/qr-browser", ...body });
  expect(res.status, await res.clone().text()).toBe(201);
  const link = (await res.json()) as Link;
  made.push(link);
  return link;
}

/** A domain whose qrLogo is `dataUrl` (set in the database: the API field is another piece of work), with a link. */
async function logoLink(dataUrl: string): Promise<Link> {
  const hostname = `${uniqueSlug("qrb")}.example.test`;
  expect((await api("POST", "/api/v1/domains", { hostname })).status).toBe(201);
  hosts.push(hostname);
  const db = new pg.Client({ connectionString: databaseUrl() });
  await db.connect();
  await db.query("update domains set qr_logo = $1 where hostname = $2", [dataUrl, hostname]);
  await db.end();
  return newLink({ domain: hostname });
}

const RED_DOT = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="5" fill="#ff0000"/></svg>';

beforeAll(async () => {
  ({ worker, browser, page } = suite = await openSuite());
  reader = await browser.newPage();
  await reader.goto("about:blank");
  await reader.addScriptTag({ path: createRequire(import.meta.url).resolve("jsqr/dist/jsQR.js") });
  plain = await newLink({ slug: `qb${crypto.randomUUID().slice(0, 5)}` });
  withLogo.png = await logoLink(pngDataUrl(testLogos.rgba.png));
  withLogo.svg = await logoLink(svgDataUrl(RED_DOT));
});

afterAll(async () => {
  if (worker) {
    for (const l of made) await api("DELETE", `/api/v1/links/${l.slug}?domain=${l.domain}`);
    for (const h of hosts) await api("DELETE", `/api/v1/domains/${h}`);
  }
  await suite?.close();
});

/**
 * Chromium draws the SVG on a canvas of its size over `surface`, and jsQR reads the pixels there: the text
 * it finds (or null), and the RGB at the centre of the image.
 */
function rasterise(svg: string, surface = "#ffffff"): Promise<{ text: string | null; centre: number[]; size: number }> {
  return reader.evaluate(async ([svg, surface]) => {
    const img = new Image();
    img.src = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    await img.decode();
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [img.naturalWidth, img.naturalHeight];
    const ctx = canvas.getContext("2d")!;
    ctx.fillStyle = surface;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0);
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const found = (window as unknown as { jsQR: (d: Uint8ClampedArray, w: number, h: number, o: object) => { data: string } | null })
      .jsQR(pixels.data, canvas.width, canvas.height, { inversionAttempts: "dontInvert" });
    const c = ((canvas.height >> 1) * canvas.width + (canvas.width >> 1)) * 4;
    return { text: found?.data ?? null, centre: [...pixels.data.slice(c, c + 3)], size: canvas.width };
  }, [svg, surface] as const);
}

describe("QR codes on a link's page", () => {
  it("redraws the code as colours and size change, and downloads the styled PNG that scans", async () => {
    await signIn(page, worker.url);
    await page.goto(`${worker.url}/app/links/${plain.slug}`);
    const image = page.locator("#qr-preview");
    const first = await image.getAttribute("src");
    expect(first).toMatch(/^data:image\/png;base64,/);
    expect(readQrPng(Buffer.from(first!.split(",")[1], "base64"))).toBe(plain.shortUrl);

    await page.getByLabel("Foreground").fill("#1a237e");
    await page.getByLabel("Background", { exact: true }).fill("#fff8e1");
    await page.getByLabel("Size (pixels)").fill("300");
    await page.getByLabel("Size (pixels)").press("Tab");
    await expect.poll(() => image.getAttribute("src")).toMatch(/size=300.*fg=%231a237e.*bg=%23fff8e1/);
    await expect.poll(() => image.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(300);

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download PNG" }).click()]);
    expect(download.suggestedFilename()).toBe(`${plain.slug}.png`);
    const png = fs.readFileSync((await download.path())!);
    expect(readQrPng(png)).toBe(plain.shortUrl);
    const { width, rgba } = pngPixels(png);
    expect(width).toBe(300);
    const colours = new Set<string>();
    for (let i = 0; i < rgba.length; i += 4) colours.add(`${rgba[i]},${rgba[i + 1]},${rgba[i + 2]}`);
    expect([...colours].sort()).toEqual(["255,248,225", "26,35,126"]);

    // The SVG of the same choices, rasterised by Chromium.
    await page.getByLabel("Shown as").selectOption("svg");
    await expect.poll(() => image.getAttribute("src")).toMatch(/\/qr\.svg\?/);
    const [svgFile] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download SVG" }).click()]);
    expect(svgFile.suggestedFilename()).toBe(`${plain.slug}.svg`);
    const drawn = await rasterise(fs.readFileSync((await svgFile.path())!, "utf8"));
    expect([drawn.text, drawn.size]).toEqual([plain.shortUrl, 300]);
  });

  it("without script, the form shows the chosen code; a choice that would not scan is named beside its field", async () => {
    const noScript = await browser.context.newPage();
    await noScript.route("**/assets/app.js", (r) => r.abort());
    await noScript.goto(`${worker.url}/app/links/${plain.slug}`);
    await noScript.getByLabel("Error correction").selectOption("H");
    await noScript.getByLabel("Margin (modules)").fill("2");
    await noScript.getByRole("button", { name: "Show" }).click();
    await noScript.waitForURL(/ecc=H/);
    const src = (await noScript.locator("#qr-preview").getAttribute("src"))!;
    expect(readQrPng(Buffer.from(src.split(",")[1], "base64"))).toBe(plain.shortUrl);

    await noScript.getByLabel("Foreground").fill("#dddddd");
    await noScript.getByRole("button", { name: "Show" }).click();
    await noScript.waitForURL(/fg=%23dddddd/);
    expect(await noScript.locator("#f-fg-error").textContent()).toMatch(/contrast/);
    expect(await noScript.locator("#qr-preview").isHidden()).toBe(true);
    await noScript.close();
  });

  it("offers the logo where the domain has one, and a refused choice made live reloads the page with the reason", async () => {
    await page.goto(`${worker.url}/app/links/${withLogo.png.slug}?domain=${withLogo.png.domain}`);
    await page.getByLabel("The domain's logo in the middle (error correction H)").check();
    await expect.poll(() => page.locator("#qr-preview").getAttribute("src")).toMatch(/logo=true/);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download PNG" }).click()]);
    const png = fs.readFileSync((await download.path())!);
    expect(readQrPng(png)).toBe(withLogo.png.shortUrl);

    await page.getByLabel("Size (pixels)").fill("64");
    await page.getByLabel("Size (pixels)").press("Tab");
    await page.waitForURL(/size=64/);
    expect(await page.locator("#f-size-error").textContent()).toMatch(/at least \d+ px/);
    expect((await page.goto(`${worker.url}/app/links/${plain.slug}`))!.ok()).toBe(true);
    expect(await page.getByLabel("The domain's logo in the middle (error correction H)").count()).toBe(0);
  });
});

describe("every SVG the API draws scans once Chromium rasterises it", () => {
  const svgOf = async (link: Link, query: string) => {
    const res = await api("GET", `/api/v1/links/${link.slug}/qr?format=svg&domain=${link.domain}&${query}`);
    expect(res.status, `${query}: ${await res.clone().text()}`).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    return res.text();
  };
  const expectScans = async (link: Link, query: string, surface?: string) => {
    const drawn = await rasterise(await svgOf(link, query), surface);
    expect(drawn.text, query).toBe(link.shortUrl);
    return drawn;
  };

  it("at 64 px, a mid size and 2,048 px, at every level, with margins 0 to 16", async () => {
    for (const ecc of ["L", "M", "Q"]) await expectScans(plain, `size=64&margin=1&ecc=${ecc}`);
    for (const ecc of ["L", "M", "Q", "H"]) for (const size of [333, 2048]) expect((await expectScans(plain, `size=${size}&ecc=${ecc}`)).size).toBe(size);
    for (const margin of [0, 2, 16]) await expectScans(plain, `size=500&margin=${margin}`);
  });

  it("in colour, on a transparent ground (over the surface it names), and half transparent", async () => {
    for (const [fg, bg] of [["1a237e", "fff8e1"], ["8b0000", "ffd700"], ["000000", "767676"]]) await expectScans(plain, `size=300&fg=${fg}&bg=${bg}`);
    await expectScans(plain, "size=300&bg=ffffff00", "#ffffff");
    await expectScans(plain, "size=300&fg=3e2723&bg=ffecb380", "#ffecb3");
  });

  it("with a PNG logo and with an SVG logo, each drawn in the middle", async () => {
    for (const [kind, link] of Object.entries(withLogo)) {
      for (const size of [256, 1024]) {
        const drawn = await expectScans(link, `size=${size}&logo=true`);
        // Both logos are red at their centre.
        expect(drawn.centre, `${kind} ${size}`).toEqual([255, 0, 0]);
      }
    }
  });
});
