/// <reference lib="dom" />
/**
 * The dashboard in a real browser, as a person uses it: sign in, create a link (an API error shown beside
 * its field first), open its short URL, see the click on the live counter, edit it, read its analytics
 * with the chart drawn, download its QR code, delete it, sign out. Steps share one browser and run in
 * order; each asserts what the person would see. Screenshots of the main pages go to test/screenshots/.
 */
import fs from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { ADMIN_KEY, openSuite, screenshot, type BrowserSession, type Landing, type Suite } from "./harness.ts";
import { readQrPng } from "../helpers/qr.ts";
import { uniqueSlug } from "../helpers/unique.ts";

let suite: Suite | undefined;
let worker: WorkerServer;
let landing: Landing;
let browser: BrowserSession;
let page: Page;
const slug = uniqueSlug("ui");
let shortUrl = "";

beforeAll(async () => {
  ({ worker, landing, browser, page } = suite = await openSuite({ landing: true }));
});
afterAll(() => suite?.close());

const app = (path: string) => `${worker.url}${path}`;

/** One step of the flow. After a failed step the later ones are skipped: they would only fail in its wake. */
let brokenAt: string | undefined;
function step(name: string, fn: () => Promise<void>) {
  it(name, async (ctx) => {
    if (brokenAt) ctx.skip(`skipped: the step "${brokenAt}" failed`);
    try {
      await fn();
    } catch (e) {
      brokenAt = name;
      throw e;
    }
  });
}

describe("dashboard flow in headless Chromium", () => {
  step("refuses a wrong key beside the field, then signs in with a good one", async () => {
    await page.goto(app("/app"));
    expect(new URL(page.url()).pathname).toBe("/app/login");
    await page.getByLabel("API key").fill("not-a-key-at-all-0000");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("#f-key-error").textContent()).toMatch(/unknown|revoked/i);
    expect(await page.getByLabel("API key").getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "login");

    // By keyboard only: Tab to the field (past the skip link and the brand), type, Enter.
    await page.getByLabel("API key").fill("");
    await page.locator("body").focus();
    for (let i = 0; i < 5 && (await page.evaluate(() => document.activeElement?.id)) !== "f-key"; i++) await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("f-key");
    await page.keyboard.type(ADMIN_KEY);
    await page.keyboard.press("Enter");
    await page.waitForURL("**/app/links");
    const cookies = await browser.context.cookies();
    const session = cookies.find((c) => c.name === "eatmyurl_session")!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe("Strict");
    expect(session.value).not.toContain(ADMIN_KEY);
  });

  step("shows the API's error beside the field it concerns, then creates the link", async () => {
    await page.getByRole("link", { name: "New link" }).click();
    await page.getByLabel("Destination URL").fill("ftp://example.com/file");
    await page.getByLabel("Custom slug").fill(slug);
    await page.getByRole("button", { name: "Create link" }).click();
    const urlError = page.locator("#f-url-error");
    await expect.poll(() => urlError.isVisible()).toBe(true);
    expect(await page.getByLabel("Destination URL").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Custom slug").inputValue()).toBe(slug); // what was typed is kept
    await screenshot(page, "link-form-error");

    await page.getByLabel("Destination URL").fill(`${landing.url}/first?from=dashboard`);
    await page.getByLabel("Title", { exact: true }).fill("Browser test link");
    await page.getByLabel("Tags").fill("browser, test");
    await page.getByLabel("Click limit").fill("100");
    await page.getByRole("button", { name: "Create link" }).click();
    await page.waitForURL(`**/app/links/${slug}?done=link-created`);
    expect(await page.locator(".notice").textContent()).toContain("Link created");
    shortUrl = await page.locator("#short-url").inputValue();
    expect(shortUrl).toBe(`${worker.url}/${slug}`);
    await screenshot(page, "link-detail");
  });

  step("lists the link, finds it by search and by tag", async () => {
    await page.goto(app(`/app/links?q=${slug}`));
    await expect.poll(() => page.locator("table tbody tr").count()).toBe(1);
    await page.goto(app("/app/links?tag=browser"));
    expect(await page.getByRole("link", { name: slug, exact: true }).count()).toBe(1);
    await screenshot(page, "links");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "links-phone");
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  step("follows the short URL to its destination, and the live counter shows the click within seconds", async () => {
    const visitor = await browser.newPage();
    await visitor.goto(shortUrl);
    expect(visitor.url()).toBe(`${landing.url}/first?from=dashboard`);
    await visitor.close();

    await page.goto(app(`/app/links/${slug}/stats`));
    await expect.poll(() => page.locator("[data-live-value]").textContent(), { timeout: 15_000 }).toBe("1");
  });

  step("edits the link, and the next visit goes to the new destination", async () => {
    await page.goto(app(`/app/links/${slug}/edit`));
    await page.getByLabel("Destination URL").fill(`${landing.url}/second`);
    await page.getByLabel("Title", { exact: true }).fill("Edited in the browser");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(`**/app/links/${slug}?done=link-saved`);
    expect(await page.locator("h1 .sub").textContent()).toBe("Edited in the browser");

    const visitor = await browser.newPage();
    await visitor.goto(shortUrl);
    expect(visitor.url()).toBe(`${landing.url}/second`);
    await visitor.close();
  });

  step("draws the analytics chart once the clicks are ingested", async () => {
    await worker.scheduled(); // the cron: drains the click stream into Postgres and the rollups
    await page.goto(app(`/app/links/${slug}/stats?range=24h`));
    const clicks = page.locator('[data-total="clicks"] .value');
    expect(await clicks.textContent()).toBe("2");
    const canvas = page.locator("#chart canvas");
    await canvas.waitFor();
    // The series is drawn in the accent colour: count such pixels on the canvas.
    const drawn = await canvas.evaluate((el: HTMLCanvasElement) => {
      const { data } = el.getContext("2d")!.getImageData(0, 0, el.width, el.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 200 && data[i + 2] > 200 && data[i] < 80) n++;
      return n;
    });
    expect(drawn).toBeGreaterThan(50);
    await screenshot(page, "analytics");

    // The bots toggle: both visits were people, so "bots and previews only" counts none of them.
    await page.getByLabel("Bots").selectOption("only");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/bots=only/);
    expect(await page.locator('[data-total="clicks"] .value').textContent()).toBe("0");
    expect(await page.locator('[data-total="humans"] .value').textContent()).toBe("2");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "analytics-phone");
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.goto(app("/app/stats?range=24h"));
    await page.locator("#chart canvas").waitFor();
    expect(await page.locator(".dim", { hasText: "Top links" }).textContent()).toContain(slug);
    await screenshot(page, "analytics-all-links");
  });

  step("exports the analytics as CSV", async () => {
    await page.goto(app(`/app/links/${slug}/stats?range=24h`));
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
    const csv = fs.readFileSync((await download.path())!, "utf8");
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect(csv.split("\n").length).toBeGreaterThan(2);
  });

  step("downloads the QR code as SVG and as PNG", async () => {
    await page.goto(app(`/app/links/${slug}`));
    const [svg] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download SVG" }).click()]);
    expect(svg.suggestedFilename()).toBe(`${slug}.svg`);
    expect(fs.readFileSync((await svg.path())!, "utf8")).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);

    const [png] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download PNG" }).click()]);
    const bytes = fs.readFileSync((await png.path())!);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // Read back by an independent reader, as a phone would (test/browser/qr.browser.ts styles and reads more).
    expect(readQrPng(bytes)).toBe(shortUrl);
  });

  step("deletes the link after asking, and its short URL answers 404", async () => {
    await page.goto(app(`/app/links/${slug}`));
    await page.getByRole("link", { name: "Delete" }).click();
    await page.waitForURL(`**/app/links/${slug}/delete`);
    await page.getByRole("button", { name: `Delete ${slug}` }).click();
    await page.waitForURL(`**/app/links?done=link-deleted`);
    expect(await page.getByRole("link", { name: slug, exact: true }).count()).toBe(0);
    const res = await page.request.get(shortUrl, { maxRedirects: 0 });
    expect(res.status()).toBe(404);
  });

  step("signs out, and the pages ask to sign in again", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/app/login?done=signed-out");
    await page.goto(app("/app/links"));
    expect(new URL(page.url()).pathname).toBe("/app/login");
  });

  it("met no CSP violation and no script error on any page", () => {
    expect(browser.problems).toEqual([]);
  });
});
