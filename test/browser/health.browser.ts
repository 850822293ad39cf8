/// <reference lib="dom" />
/**
 * Link health on the dashboard: a link whose destination answers 404 shows "Not checked yet" until the cron
 * checks it, then "Broken" with the reason and when, on the links list and on its page; the list's health
 * filter lists it, and leaves out a healthy link.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { Redis } from "@upstash/redis/cloudflare";
import { lowerWorkDue } from "../../functions/shared/work-due.ts";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { uniqueSlug } from "../helpers/unique.ts";
import { ADMIN_KEY, databaseUrl, launchBrowser, screenshot, signIn, startWorker, type BrowserSession } from "./harness.ts";

let worker: WorkerServer;
let browser: BrowserSession;
let page: Page;
let server: http.Server;
let origin: string;
const tag = uniqueSlug("health");
const handedBindings = () => JSON.parse(process.env.EATMYURL_TEST_BINDINGS!) as Record<string, string>;
const gone = uniqueSlug("gone");
const fine = uniqueSlug("fine");

beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.writeHead(req.url?.startsWith("/p/gone") ? 404 : 200, { "content-type": "text/html" });
    res.end("<!doctype html><title>page</title>");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Health checks on (the suite turns them off); both links taken by one run.
  worker = await startWorker({ HEALTH_CHECK_DAYS: "7", HEALTH_CHECKS_PER_RUN: "2" });
  browser = await launchBrowser();
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
  await worker?.dispose();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function create(slug: string, url: string) {
  const res = await fetch(`${worker.url}/api/v1/links`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ url, slug, tags: [tag] }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string };
}

describe("the health badge and filter", () => {
  it("show a link whose destination 404s as broken after the check, and the filter lists it", async () => {
    const ids = [(await create(gone, `${origin}/p/gone`)).id, (await create(fine, `${origin}/p/fine`)).id];
    await signIn(page, worker.url);
    await page.goto(`${worker.url}/app/links?tag=${tag}`);
    await expect.poll(() => page.locator("tr", { hasText: gone }).locator(".health").textContent()).toBe("Not checked yet");

    // Due now, ahead of every other link: the run's two checks are these two.
    const sql = new pg.Client({ connectionString: databaseUrl() });
    await sql.connect();
    try {
      await sql.query("update links set health_due_at = '1990-01-01T00:00:00Z' where id = any($1)", [ids]);
    } finally {
      await sql.end();
    }
    // The idle check learns of due work from Redis: tell it, as a link write at the full hour would.
    await lowerWorkDue(new Redis({ url: handedBindings().UPSTASH_REDIS_REST_URL, token: handedBindings().UPSTASH_REDIS_REST_TOKEN }), Date.now() - 1000);
    await worker.scheduled();

    await page.goto(`${worker.url}/app/links?tag=${tag}`);
    const badge = page.locator("tr", { hasText: gone }).locator(".health");
    expect(await badge.textContent()).toBe("Broken");
    expect(await badge.getAttribute("title")).toMatch(/^answered 404, checked /);
    expect(await page.locator("tr", { hasText: fine }).locator(".health").textContent()).toBe("OK");

    await page.getByLabel("Health").selectOption("broken");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL((u) => u.searchParams.get("health") === "broken");
    expect(await page.locator("td.slug a", { hasText: gone }).count()).toBe(1);
    expect(await page.locator("td.slug a", { hasText: fine }).count()).toBe(0);
    await screenshot(page, "health-filter");

    await page.goto(`${worker.url}/app/links/${gone}`);
    const facts = await page.locator("dd.health-detail").textContent();
    expect(facts).toMatch(/Broken answered 404, checked .+\(/);
  });
});
