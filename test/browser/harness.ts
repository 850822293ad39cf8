/**
 * What the browser tests stand on: the deployable bundle served by workerd against the throwaway stack
 * (`npm test` builds it and passes its folder), Debian's Chromium driven by playwright-core with flags that
 * keep it from flooding the closed network with connections (no QUIC, background networking, component
 * updates or sync), a fresh profile, and a small landing server that plays the links' destinations.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { bundleIn, serveWorker, type WorkerServer } from "../../dev/worker-server.ts";

/** What `npm test` (dev/test.ts) hands over: the throwaway stack's bindings and the folder of the built bundle. */
function handedOver(): { bindings: Record<string, string>; bundleDir: string } {
  const raw = process.env.EATMYURL_TEST_BINDINGS;
  const dir = process.env.EATMYURL_BUNDLE_DIR;
  if (!raw || !dir) throw new Error("Run the browser tests with `npm test`: it builds the bundle and starts the stack.");
  return { bindings: JSON.parse(raw) as Record<string, string>, bundleDir: dir };
}

/** The test run's Postgres, for the few browser tests that look at what a page did (dev/test.ts hands it over). */
export const databaseUrl = () => handedOver().bindings.DIRECT_DATABASE_URL;

/** ADMIN_API_KEY of this run, as dev/test.ts puts it in the bindings (the workerd tests read the same one from env). */
export const ADMIN_KEY = handedOver().bindings.ADMIN_API_KEY;

export const root = path.resolve(import.meta.dirname, "../..");
export const screenshots = path.join(root, "test/screenshots");

/** A desktop Chrome user agent: headless Chromium's own is (rightly) classified as a bot. */
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";

const CHROMIUM_FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** The Worker on the run's bindings, with `extra` settings on top. */
export function startWorker(extra: Record<string, string> = {}): Promise<WorkerServer> {
  const { bindings: all, bundleDir } = handedOver();
  const { CONTROL_URL: _c, DIRECT_DATABASE_URL: _d, ...bindings } = all;
  return serveWorker({
    bundle: bundleIn(bundleDir),
    assets: path.join(root, "public"),
    // Short URLs must point at this server, so the browser can follow them.
    bindings: (url) => ({ ...bindings, PUBLIC_BASE_URL: url, ...extra }),
  });
}

export interface BrowserSession {
  context: BrowserContext;
  /** Uncaught page errors and Content-Security-Policy violations seen so far. */
  problems: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserSession> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_FLAGS,
    userAgent: USER_AGENT,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    timezoneId: "Europe/Paris",
    locale: "en-GB",
  });
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.setDefaultTimeout(15_000);
    page.on("pageerror", (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && /Content.Security.Policy/i.test(m.text())) problems.push(`CSP on ${page.url()}: ${m.text()}`);
    });
  };
  context.on("page", watch);
  for (const p of context.pages()) watch(p);
  return {
    context,
    problems,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Plays the destinations of test links: answers every path with a page naming it. On 127.0.0.2 (loopback
 * too) so its host differs from the short domain's, which the links API refuses as a redirect loop.
 */
export async function startLanding(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><title>landed</title><h1 id="landed">${encodeURI(req.url ?? "/")}</h1>`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.2", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.2:${port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: true });
}

export type Landing = Awaited<ReturnType<typeof startLanding>>;

/**
 * What most browser test files open first, together: the Worker, Chromium with one page, and (`landing`) the
 * destinations' server. `close` stops what was opened.
 */
export async function openSuite(opts: { landing?: boolean } = {}) {
  const [worker, browser, landing] = await Promise.all([startWorker(), launchBrowser(), opts.landing ? startLanding() : undefined]);
  const page = await browser.newPage();
  return {
    worker, browser, page, landing: landing as Landing,
    async close() {
      await browser.close();
      await landing?.close();
      await worker.dispose();
    },
  };
}
export type Suite = Awaited<ReturnType<typeof openSuite>>;

/** Signs `page` in to the dashboard at `base` with `key` (the admin key by default). */
export async function signIn(page: Page, base: string, key = ADMIN_KEY): Promise<void> {
  await page.goto(`${base}/app/login`);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname !== "/app/login");
}
