/// <reference lib="dom" />
/**
 * The preview card on the dashboard's link form (docs/previews.md): a person fills the card's fields and sees
 * the mock-up follow as they type, before saving; once saved, Slack's fetcher gets the card while a person is
 * redirected; emptying the fields on the edit form removes the card.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { uniqueSlug } from "../helpers/unique.ts";
import { ADMIN_KEY, openSuite, screenshot, signIn, type BrowserSession, type Landing, type Suite } from "./harness.ts";

let suite: Suite | undefined;
let worker: WorkerServer;
let landing: Landing;
let browser: BrowserSession;
let page: Page;
const slug = uniqueSlug("card");
const SLACK = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)";

beforeAll(async () => {
  ({ worker, landing, browser, page } = suite = await openSuite({ landing: true }));
});
afterAll(async () => {
  if (worker) await fetch(`${worker.url}/api/v1/links/${slug}`, { method: "DELETE", headers: { authorization: `Bearer ${ADMIN_KEY}` } }).catch(() => {});
  await suite?.close();
});

const app = (path: string) => `${worker.url}${path}`;
const asSlack = () => fetch(app(`/${slug}`), { redirect: "manual", headers: { "user-agent": SLACK } });

describe("the preview card on the link form", () => {
  it("follows the fields as they are typed, is saved, and is what Slack gets while a person is redirected", async () => {
    await signIn(page, worker.url);
    await page.goto(app("/app/create"));
    const card = page.locator("[data-og-card]");
    const none = page.locator("[data-og-none]");
    expect(await card.isVisible()).toBe(false);
    expect(await none.isVisible()).toBe(true);

    await page.getByLabel("Destination URL").fill(`${landing.url}/with-card`);
    await page.getByLabel("Custom slug").fill(slug);
    // A description alone: the card shows, titled with the short URL it falls back to.
    await page.getByLabel("Card description").fill("Seats are limited & going fast");
    expect(await card.isVisible()).toBe(true);
    expect(await none.isVisible()).toBe(false);
    expect(await page.locator("[data-og-title]").textContent()).toMatch(new RegExp(`/${slug}$`));
    expect(await page.locator("[data-og-description]").textContent()).toBe("Seats are limited & going fast");

    await page.getByLabel("Card title").fill(`Launch <day> "2"`);
    expect(await page.locator("[data-og-title]").textContent()).toBe(`Launch <day> "2"`);
    const image = page.locator("[data-og-image]");
    await page.getByLabel("Card image URL").fill("http://img.example/card.png");
    expect(await image.isVisible()).toBe(false); // not https: no image
    await page.getByLabel("Card image URL").fill("https://img.example/card.png");
    expect(await image.getAttribute("src")).toBe("https://img.example/card.png");
    expect(await image.isHidden()).toBe(false);
    await screenshot(page, "preview-card-form");

    await page.getByRole("button", { name: "Create link" }).click();
    await page.waitForURL(`**/app/links/${slug}?done=link-created`);
    expect(await page.locator("[data-og-title]").textContent()).toBe(`Launch <day> "2"`);

    const res = await asSlack();
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<meta property="og:title" content="Launch &lt;day&gt; &quot;2&quot;">`);
    expect(html).toContain(`<meta property="og:description" content="Seats are limited &amp; going fast">`);
    expect(html).toContain(`<meta property="og:image" content="https://img.example/card.png">`);
    expect(html).toContain(`<meta property="og:url" content="${app(`/${slug}`)}">`);
    expect(html).not.toContain("/with-card");

    const visitor = await browser.newPage();
    await visitor.goto(app(`/${slug}`));
    expect(visitor.url()).toBe(`${landing.url}/with-card`);
    await visitor.close();
  });

  it("is removed by emptying its fields on the edit form: Slack is redirected like everyone", async () => {
    await page.goto(app(`/app/links/${slug}/edit`));
    expect(await page.getByLabel("Card title").inputValue()).toBe(`Launch <day> "2"`);
    for (const label of ["Card title", "Card description", "Card image URL"]) await page.getByLabel(label).fill("");
    expect(await page.locator("[data-og-none]").isVisible()).toBe(true);
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(`**/app/links/${slug}?done=link-saved`);
    expect(await page.locator("[data-og-none]").isVisible()).toBe(true);
    const res = await asSlack();
    expect([res.status, res.headers.get("location")]).toEqual([302, `${landing.url}/with-card`]);
  });

  it("met no CSP violation and no script error on any page", () => {
    expect(browser.problems).toEqual([]);
  });
});
