/**
 * The blocklist in the browser: an admin blocks every name under a host on the Blocklist page (a bad host is
 * refused beside the field), a link to such a name is then refused on the link form, naming the blocklist,
 * and unblocking lets it through again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { uniqueSlug } from "../helpers/unique.ts";
import { openSuite, screenshot, signIn, type BrowserSession, type Suite } from "./harness.ts";

let suite: Suite | undefined;
let worker: WorkerServer;
let browser: BrowserSession;

beforeAll(async () => {
  ({ worker, browser } = suite = await openSuite());
});
afterAll(() => suite?.close());

describe("Blocklist page", () => {
  it("blocks a suffix, refuses a link there on the link form, and unblocks it", async () => {
    const page = await browser.newPage();
    await signIn(page, worker.url);
    // "*.0..." sorts before every other test's rule, so it is on the first page of the list.
    const base = `0${uniqueSlug("bl").toLowerCase()}.blocklist.test`;

    await page.getByRole("link", { name: "Blocklist" }).click();
    await page.getByLabel("Host").fill("evil.test/path");
    await page.getByRole("button", { name: "Block", exact: true }).click();
    await expect.poll(() => page.locator("#f-host-error").isVisible()).toBe(true);

    await page.getByLabel("Host").fill(`*.${base.toUpperCase()}.`);
    await page.getByRole("button", { name: "Block", exact: true }).click();
    await page.waitForURL("**/app/blocklist?done=host-blocked");
    const row = page.locator("tbody tr", { hasText: `*.${base}` });
    expect(await row.locator('td[data-label="Matches"]').textContent()).toBe("every name under it");
    await screenshot(page, "blocklist");

    const slug = uniqueSlug("bl");
    await page.goto(`${worker.url}/app/create`);
    await page.getByLabel("Destination URL").fill(`https://www.${base}/offer`);
    await page.getByLabel("Custom slug").fill(slug);
    await page.getByRole("button", { name: "Create link" }).click();
    await expect.poll(() => page.locator("#f-url-error").textContent()).toContain("blocklist");

    await page.goto(`${worker.url}/app/blocklist`);
    await page.locator("tbody tr", { hasText: `*.${base}` }).getByRole("button", { name: `Unblock *.${base}` }).click();
    await page.waitForURL("**/app/blocklist?done=host-unblocked");
    expect(await page.locator("tbody tr", { hasText: `*.${base}` }).count()).toBe(0);

    await page.goto(`${worker.url}/app/create`);
    await page.getByLabel("Destination URL").fill(`https://www.${base}/offer`);
    await page.getByLabel("Custom slug").fill(slug);
    await page.getByRole("button", { name: "Create link" }).click();
    await page.waitForURL((u) => u.pathname === `/app/links/${slug}`);
    // The link made here is removed again.
    await page.goto(`${worker.url}/app/links/${slug}/delete`);
    await page.getByRole("button", { name: `Delete ${slug}` }).click();
    await page.waitForURL("**/app/links?done=link-deleted");
  });
});
