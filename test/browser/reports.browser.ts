/**
 * Reports in the browser: a stranger files a report through GET /report's plain form (no script involved), an
 * admin finds it on the Reports page, disables the link from there, and the short link then answers the
 * disabled page (410); the link's own page shows the badge and offers Enable.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { uniqueSlug } from "../helpers/unique.ts";
import { ADMIN_KEY, openSuite, screenshot, signIn, type BrowserSession, type Suite } from "./harness.ts";

let suite: Suite | undefined;
let worker: WorkerServer;
let browser: BrowserSession;

beforeAll(async () => {
  ({ worker, browser } = suite = await openSuite());
});
afterAll(() => suite?.close());

describe("Reports", () => {
  it("a report filed through /report reaches the admin, who disables the link: it answers 410", async () => {
    const slug = uniqueSlug("rp");
    const made = await fetch(`${worker.url}/api/v1/links`, {
      method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ url: "https://example.com/reported-in-browser", slug }),
    });
    expect(made.status).toBe(201);
    const details = `Asks for bank logins ${slug}`;

    // A stranger (no session), with the page's own form.
    const visitor = await browser.newPage();
    await visitor.goto(`${worker.url}/report`);
    await visitor.getByLabel("Short link").fill(`${worker.url}/${slug}`);
    await visitor.getByLabel("What is wrong").selectOption("phishing");
    await visitor.getByLabel("Details (optional)").fill(details);
    await screenshot(visitor, "report-form");
    await visitor.getByRole("button", { name: "Send the report" }).click();
    await expect.poll(() => visitor.locator("h1").textContent()).toBe("Thank you");

    // The admin's queue.
    const page = await browser.newPage();
    await signIn(page, worker.url);
    await page.getByRole("link", { name: "Reports" }).click();
    await page.waitForURL("**/app/reports");
    const row = page.locator("tbody tr", { hasText: details });
    expect(await row.count()).toBe(1);
    expect(await row.locator('td[data-label="Link"]').textContent()).toContain("https://example.com/reported-in-browser");
    expect(await row.locator('td[data-label="Reason"]').textContent()).toBe("phishing");
    await screenshot(page, "reports");
    await row.getByRole("button", { name: "Disable link" }).click();
    await page.waitForURL("**/app/reports?done=report-disabled");
    expect(await page.locator("tbody tr", { hasText: details }).count()).toBe(0); // no longer open

    // The short link now answers the disabled page, without a Location.
    const res = await fetch(`${worker.url}/${slug}`, { redirect: "manual", headers: { "user-agent": "Mozilla/5.0 Chrome/140.0" } });
    expect(res.status).toBe(410);
    expect(res.headers.get("location")).toBeNull();
    const shown = await visitor.goto(`${worker.url}/${slug}`);
    expect(shown?.status()).toBe(410);
    expect(await visitor.locator("h1").textContent()).toBe("This link has been disabled");
    expect(await visitor.locator("body").textContent()).toContain("Reported as phishing");

    // The link's page: the badge, and Enable for an admin.
    await page.goto(`${worker.url}/app/links/${slug}`);
    expect(await page.locator("h1 .badge.disabled").textContent()).toBe("disabled");
    await page.getByRole("button", { name: "Enable link" }).click();
    await page.waitForURL(`**/app/links/${slug}?done=link-enabled`);
    expect((await fetch(`${worker.url}/${slug}`, { redirect: "manual" })).status).toBe(302);
  });

  it("met no CSP violation and no script error on any page", () => {
    expect(browser.problems).toEqual([]);
  });
});
