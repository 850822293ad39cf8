/**
 * Tags in the browser: an admin finds a tag on the Tags page with its count of links, is refused a rename
 * onto another tag in use (the API's words beside the row), renames it, follows it to the links list and sees
 * the links carry the new name, then deletes the other tag after confirming it, and the links keep theirs.
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

async function createLink(slug: string, tags: string[]) {
  const res = await fetch(`${worker.url}/api/v1/links`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ url: `https://example.com/${slug}`, slug, tags }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

describe("Tags page", () => {
  it("renames a tag, the links list follows, and deletes another after confirming", async () => {
    const [old, renamed, other] = [uniqueSlug("old"), uniqueSlug("new"), uniqueSlug("other")];
    const slugs = [uniqueSlug("tl"), uniqueSlug("tl")];
    await createLink(slugs[0], [old, other]);
    await createLink(slugs[1], [old]);

    const page = await browser.newPage();
    await signIn(page, worker.url);
    await page.getByRole("link", { name: "Tags", exact: true }).click();
    await page.waitForURL("**/app/tags");
    const row = (tag: string) => page.locator(`#tags tbody tr[data-tag="${tag}"]`);
    expect(await row(old).locator('td[data-label="Links"]').textContent()).toBe("2");
    expect(await row(other).locator('td[data-label="Links"]').textContent()).toBe("1");

    // Onto a tag in use: refused, the message beside the row, nothing renamed.
    await page.getByLabel(`New name for ${old}`).fill(other);
    await row(old).getByRole("button", { name: "Rename" }).click();
    await expect.poll(() => row(old).locator(".field-error").textContent()).toContain("already in use");
    expect(await row(old).locator('td[data-label="Links"]').textContent()).toBe("2");

    await page.getByLabel(`New name for ${old}`).fill(renamed);
    await row(old).getByRole("button", { name: "Rename" }).click();
    await page.waitForURL("**/app/tags?done=tag-renamed");
    expect(await page.getByRole("status").textContent()).toBe("Tag renamed on its links.");
    expect(await row(old).count()).toBe(0);
    expect(await row(renamed).locator('td[data-label="Links"]').textContent()).toBe("2");
    await screenshot(page, "tags");

    // The tag leads to its links, which carry the new name.
    await row(renamed).locator('td[data-label="Tag"] a').click();
    await page.waitForURL((u) => u.pathname === "/app/links" && u.searchParams.get("tag") === renamed);
    const linkRows = page.locator("tbody tr");
    expect(await linkRows.count()).toBe(2);
    const listed = await linkRows.locator('td[data-label="Short link"] a').allTextContents();
    expect(listed.sort()).toEqual([...slugs].sort());
    expect(await page.locator(`a.tag`, { hasText: old }).count()).toBe(0);

    // Delete asks first; Cancel leaves the tag, Delete takes it off its link.
    await page.goto(`${worker.url}/app/tags`);
    await row(other).getByRole("link", { name: "Delete" }).click();
    await page.getByRole("link", { name: "Cancel" }).click();
    await page.waitForURL("**/app/tags");
    expect(await row(other).count()).toBe(1);
    await row(other).getByRole("link", { name: "Delete" }).click();
    await page.getByRole("button", { name: `Delete the tag ${other}` }).click();
    await page.waitForURL("**/app/tags?done=tag-deleted");
    expect(await page.getByRole("status").textContent()).toBe("Tag removed from its links.");
    expect(await row(other).count()).toBe(0);

    await page.goto(`${worker.url}/app/links?tag=${encodeURIComponent(renamed)}`);
    const first = page.locator("tbody tr", { hasText: slugs[0] });
    expect(await first.locator("a.tag").allTextContents()).toEqual([renamed]);
    expect(browser.problems).toEqual([]);
  });
});
