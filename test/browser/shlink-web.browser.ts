/// <reference lib="dom" />
/**
 * Shlink's own web client (@shlinkio/shlink-web-component, the React component shlink-web-client is built on)
 * in Chromium against the Worker: a page on another origin, as Shlink's web client is, with the Shlink SDK
 * pointed at the Worker and an EatMyURL key. It lists the links, which only works if CORS, X-Api-Key, the list
 * route's parameters and the ShortUrl shape are what the component expects.
 */
import http from "node:http";
import path from "node:path";
import { build } from "esbuild";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { uniqueSlug } from "../helpers/unique.ts";
import { ADMIN_KEY, openSuite, screenshot, type BrowserSession, type Suite } from "./harness.ts";

let suite: Suite | undefined;
let worker: WorkerServer;
let browser: BrowserSession;
let page: Page;
let client: { url: string; close(): Promise<void> };
const slug = uniqueSlug("shlinkweb");
const title = `Made here, listed by Shlink ${slug}`;

/** The page script, bundled from node_modules (the component's stylesheets left out: the test reads text, not looks). */
async function bundleClient(): Promise<string> {
  const out = await build({
    entryPoints: [path.join(import.meta.dirname, "shlink-web-client.js")],
    bundle: true,
    format: "esm",
    write: false,
    minify: true,
    logLevel: "silent",
    loader: { ".css": "empty" },
    define: { "process.env.NODE_ENV": '"production"' },
  });
  return out.outputFiles[0].text;
}

/** Serves the web client's page (any path: it routes in the browser) and its bundle, on 127.0.0.2: another origin. */
async function serveClient(js: string, server: { baseUrl: string; apiKey: string }) {
  const html = `<!doctype html><meta charset="utf-8"><title>Shlink web component</title><div id="root"></div>
<script>window.SHLINK_SERVER = ${JSON.stringify(server)};</script><script type="module" src="/app.js"></script>`;
  const s = http.createServer((req, res) => {
    if (req.url === "/app.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(js);
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.2", r));
  return {
    url: `http://127.0.0.2:${(s.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }),
  };
}

beforeAll(async () => {
  let js: string;
  [suite, js] = await Promise.all([openSuite(), bundleClient()]);
  ({ worker, browser, page } = suite);
  client = await serveClient(js, { baseUrl: worker.url, apiKey: ADMIN_KEY });
}, 120_000);

afterAll(async () => {
  await client?.close();
  await suite?.close();
});

describe("Shlink's web component against the Worker", () => {
  it("lists a link made through our API, shows its tag and the overview, and creates one of ours with its form", async () => {
    const res = await fetch(`${worker.url}/api/v1/links`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ url: "https://example.com/from-eatmyurl", slug, title, tags: ["shlink-web"] }),
    });
    expect(res.status).toBe(201);
    const failed: string[] = [];
    // mercure-info answers 501 on purpose (no Mercure hub): the component then polls.
    page.on("response", (r) => {
      if (r.url().startsWith(worker.url) && r.status() >= 400 && !r.url().includes("/mercure-info")) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${client.url}/list-short-urls/1`);
    await expect.poll(() => page.getByText(title).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.locator("body").textContent()).toContain(slug);
    await screenshot(page, "shlink-web-component");

    // Its tags page reads the tag stats; its overview the visits overview and the newest short URLs.
    // Searched for: the page shows the tags a page at a time, and other test files leave tags that sort first.
    await page.goto(`${client.url}/manage-tags`);
    await page.getByPlaceholder("Search...").fill("shlink-web");
    await expect.poll(() => page.getByText("shlink-web").count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.goto(`${client.url}/overview`);
    await expect.poll(() => page.getByText(title).count(), { timeout: 20_000 }).toBeGreaterThan(0);

    // A short URL made with the component's own form is a link of our API.
    const longUrl = `https://example.com/made-in-shlink-web/${slug}`;
    await page.goto(`${client.url}/create-short-url`);
    await page.getByPlaceholder("URL to be shortened").fill(longUrl);
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(async () => {
      const r = await fetch(`${worker.url}/api/v1/links?q=${encodeURIComponent(slug)}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      return ((await r.json()) as { data: { url: string }[] }).data.map((l) => l.url);
    }, { timeout: 20_000 }).toContain(longUrl);
    expect(failed).toEqual([]);
  });

  it("met no script error", () => {
    expect(browser.problems).toEqual([]);
  });
});
