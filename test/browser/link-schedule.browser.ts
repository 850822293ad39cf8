/// <reference lib="dom" />
/**
 * The link fields Shlink's clients edit (issue 18), on the dashboard's link form: a person creates a link that
 * is valid only from tomorrow, forwards no query string and is crawlable; a visitor gets 404 until the start
 * is cleared on the edit form, then lands without the query string; robots.txt lists the link.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { uniqueSlug } from "../helpers/unique.ts";
import { ADMIN_KEY, openSuite, screenshot, type BrowserSession, type Landing, type Suite } from "./harness.ts";

let suite: Suite | undefined;
let worker: WorkerServer;
let landing: Landing;
let browser: BrowserSession;
let page: Page;
const slug = uniqueSlug("sched");

beforeAll(async () => {
  ({ worker, landing, browser, page } = suite = await openSuite({ landing: true }));
});
afterAll(() => suite?.close());

const app = (path: string) => `${worker.url}${path}`;

/** The datetime-local value of this time tomorrow in the browser's zone. */
const tomorrow = () => page.evaluate(() => {
  const d = new Date(Date.now() + 86_400_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
});

describe("valid from, query forwarding and crawling on the link form", () => {
  it("are saved, shown, edited and followed by the redirect", async () => {
    await page.goto(app("/app/login"));
    await page.getByLabel("API key").fill(ADMIN_KEY);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/app/links");

    await page.goto(app("/app/create"));
    await page.getByLabel("Destination URL").fill(`${landing.url}/scheduled`);
    await page.getByLabel("Custom slug").fill(slug);
    await page.getByLabel("Valid from").fill(await tomorrow());
    await page.getByLabel("Do not forward the visitor's query string to the destination").check();
    await page.getByLabel("Let search engines crawl it (listed as allowed in robots.txt)").check();
    await screenshot(page, "link-schedule-form");
    await page.getByRole("button", { name: "Create link" }).click();
    await page.waitForURL(`**/app/links/${slug}?done=link-created`);
    const facts = await page.locator("#link-facts").textContent();
    expect(facts).toContain("not forwarded");
    expect(facts).toContain("allowed (robots.txt)");
    expect(facts).toMatch(/Valid from.*\(Europe\/Paris\)/s);

    const before = await fetch(app(`/${slug}`), { redirect: "manual" });
    expect(before.status).toBe(404);
    expect(await (await fetch(app("/robots.txt"))).text()).toContain(`Allow: /${slug}\n`);

    // The edit form shows what was saved; clearing the start makes the link live.
    await page.goto(app(`/app/links/${slug}/edit`));
    expect(await page.getByLabel("Valid from").inputValue()).not.toBe("");
    expect(await page.getByLabel("Do not forward the visitor's query string to the destination").isChecked()).toBe(true);
    await page.getByLabel("Valid from").fill("");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(`**/app/links/${slug}?done=link-saved`);
    expect(await page.locator("#link-facts").textContent()).toContain("at once");

    const visitor = await browser.newPage();
    await visitor.goto(app(`/${slug}?utm_source=newsletter`));
    expect(visitor.url()).toBe(`${landing.url}/scheduled`);
    await visitor.close();
  });

  it("met no CSP violation and no script error on any page", () => {
    expect(browser.problems).toEqual([]);
  });
});
