/// <reference lib="dom" />
/**
 * Routing rules and A/B variants in the browser: a person gives a link a rule and two variants on the
 * link form (an invalid rule refused beside its field first), edits the rule, and a visitor with a matching
 * user agent follows the edited rule while another gets a variant; the link's analytics then show the A/B
 * result and the destinations.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { uniqueSlug } from "../helpers/unique.ts";
import { ADMIN_KEY, openSuite, screenshot, type BrowserSession, type Landing, type Suite } from "./harness.ts";

const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

let suite: Suite | undefined;
let worker: WorkerServer;
let landing: Landing;
let browser: BrowserSession;
let page: Page;
const slug = uniqueSlug("ab");

beforeAll(async () => {
  ({ worker, landing, browser, page } = suite = await openSuite({ landing: true }));
});
afterAll(() => suite?.close());

const app = (path: string) => `${worker.url}${path}`;

/** Opens the short URL in a fresh page with `ua` as its user agent; returns where the browser landed. */
async function follow(ua?: string): Promise<string> {
  const visitor = await browser.newPage();
  // The persistent context has one user agent; DevTools overrides it for this page (headers cannot).
  if (ua) await (await browser.context.newCDPSession(visitor)).send("Network.setUserAgentOverride", { userAgent: ua });
  await visitor.goto(app(`/${slug}`));
  const url = visitor.url();
  await visitor.close();
  return url;
}

describe("rules and variants on the link form", () => {
  it("are refused beside the field when invalid, then saved, edited, followed and reported", async () => {
    await page.goto(app("/app/login"));
    await page.getByLabel("API key").fill(ADMIN_KEY);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/app/links");

    await page.goto(app("/app/create"));
    await page.getByLabel("Destination URL").fill(`${landing.url}/default`);
    await page.getByLabel("Custom slug").fill(slug);
    await page.locator("details.routing summary").click();
    await page.getByLabel("Rule 1: URL").fill(`${landing.url}/iphone`);
    await page.getByLabel("Rule 1, condition 1: type").selectOption("device");
    await page.getByLabel("Rule 1, condition 1: value").fill("toaster");
    await page.getByLabel("Variant 1: URL").fill(`${landing.url}/a`);
    await page.getByLabel("Variant 1: weight (%)").fill("50");
    await page.getByLabel("Variant 2: URL").fill(`${landing.url}/b`);
    await page.getByLabel("Variant 2: weight (%)").fill("50");
    await page.getByRole("button", { name: "Create link" }).click();

    // The API's refusal, beside the condition's value; what was typed is kept.
    const valueError = page.locator("#f-rules-0-conditions-0-matchValue-error");
    await expect.poll(() => valueError.textContent()).toMatch(/must be one of/);
    expect(await page.getByLabel("Rule 1: URL").inputValue()).toBe(`${landing.url}/iphone`);
    await page.getByLabel("Rule 1, condition 1: value").fill("ios");
    await page.getByRole("button", { name: "Create link" }).click();
    await page.waitForURL(`**/app/links/${slug}?done=link-created`);
    expect(await page.locator("#link-facts").textContent()).toContain("1 rule(s), 2 A/B variant(s)");
    expect(await follow(IPHONE)).toBe(`${landing.url}/iphone`);

    // Edit the rule: another destination, and a second condition (the new empty row).
    await page.goto(app(`/app/links/${slug}/edit`));
    expect(await page.getByLabel("Rule 1, condition 1: value").inputValue()).toBe("ios");
    await page.getByLabel("Rule 1: URL").fill(`${landing.url}/ios-app`);
    await page.getByLabel("Rule 1, condition 2: type").selectOption("browser");
    await page.getByLabel("Rule 1, condition 2: value").fill("safari");
    await screenshot(page, "link-routing-editor");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(`**/app/links/${slug}?done=link-saved`);

    // A visitor with a matching user agent follows the edited rule; a desktop browser gets a variant.
    expect(await follow(IPHONE)).toBe(`${landing.url}/ios-app`);
    const desktop = await follow();
    expect([`${landing.url}/a`, `${landing.url}/b`]).toContain(desktop);

    await worker.scheduled(); // the cron: the clicks into the rollups
    await page.goto(app(`/app/links/${slug}/stats?range=24h`));
    const ab = page.locator("section.ab");
    const row = ab.locator("tbody tr");
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getAttribute("data-variant")).toBe(desktop);
    expect(await row.locator("td").allTextContents()).toEqual([desktop, "1", "1", "1", "100.0%", "100.0%"]);
    const destinations = await page.locator(".dim", { hasText: "Destinations" }).textContent();
    expect(destinations).toContain(`${landing.url}/ios-app`);
    expect(destinations).toContain(`${landing.url}/iphone`);
    await screenshot(page, "analytics-ab");
  });

  it("met no CSP violation and no script error on any page", () => {
    expect(browser.problems).toEqual([]);
  });
});
