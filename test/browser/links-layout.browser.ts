/// <reference lib="dom" />
/**
 * The links list fits the screen it is read on (issue 25): on a laptop (1280 x 900) and on a phone
 * (390 x 844), with the longest things a link may carry (a 300-character destination, a 64-character slug
 * with no hyphen to break at, a long title, a 50-character tag with no hyphen among several), no page
 * scrolls sideways, every row's Copy, Analytics and Edit stay in view, dates keep to one line, and the long
 * destination is cut short inside its row while its full text stays on hover (title) and on the link's page.
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

async function createLink(body: { url: string; slug: string; title?: string; tags: string[] }) {
  const res = await fetch(`${worker.url}/api/v1/links`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

describe("Links list layout", () => {
  it("keeps every link's actions in view without sideways scrolling at 1280 x 900 and 390 x 844, long destinations cut short with their full text kept", async () => {
    const tag = uniqueSlug("layout");
    const longUrl = (
      "https://shop.example.com/catalogue/outdoor-equipment/tents-and-shelters/four-season-expedition-tents/" +
      "ultralight-double-wall-dome?utm_source=newsletter&utm_medium=email&utm_campaign=spring-clearance-2026" +
      "&utm_content=hero-banner-variant-b&session="
    ).padEnd(300, "0123456789abcdef");
    expect(longUrl).toHaveLength(300);
    // Slugs may be 64 characters with nothing to break a line at; uniqueness from the UUID's hex.
    const longSlug = `Layout${crypto.randomUUID().replaceAll("-", "")}`.padEnd(64, "X");
    const links = [
      {
        slug: longSlug,
        url: longUrl,
        title: "Spring clearance: four-season expedition tents, the hero banner of the newsletter's variant B, for readers who opened the March issue",
        tags: [tag, "SpringClearanceNewsletterVariantBHeroBannerMarch26", "spring-clearance", "newsletter", "outdoor", "partners"],
      },
      { slug: uniqueSlug("lay"), url: "https://example.com/pricing", title: "Pricing", tags: [tag, "web"] },
      { slug: uniqueSlug("lay"), url: `https://docs.example.com/guides/getting-started/installation?from=${"x".repeat(80)}`, tags: [tag] },
    ];
    for (const l of links) await createLink(l);

    const page = await browser.newPage();
    await signIn(page, worker.url);
    for (const [width, height] of [[1280, 900], [390, 844]]) {
      const at = `at ${width} x ${height}`;
      await page.setViewportSize({ width, height });
      await page.goto(`${worker.url}/app/links?tag=${encodeURIComponent(tag)}`);
      const rows = page.locator("table tbody tr");
      expect(await rows.count()).toBe(links.length);
      await page.locator("button.copy").first().waitFor(); // shown by the client script once it runs

      const view = await page.evaluate(() => {
        const se = document.scrollingElement!;
        const wrap = document.querySelector(".table-wrap")!;
        return {
          scrollWidth: se.scrollWidth, clientWidth: se.clientWidth,
          tableWidth: document.querySelector("table")!.getBoundingClientRect().width, frameWidth: wrap.clientWidth,
          frameRight: wrap.getBoundingClientRect().right,
        };
      });
      expect(view.scrollWidth, `${at}: the page scrolls sideways`).toBeLessThanOrEqual(view.clientWidth);
      expect(view.tableWidth, `${at}: the table is wider than its frame`).toBeLessThanOrEqual(view.frameWidth);
      // What overflows the frame is clipped by it: a control past its right edge cannot be seen either.
      const right = Math.min(view.clientWidth, view.frameRight);

      for (let i = 0; i < links.length; i++) {
        const row = rows.nth(i);
        const slug = (await row.locator('td[data-label="Short link"] a').textContent())!;
        const controls = [
          row.getByRole("button", { name: /^Copy / }),
          row.getByRole("link", { name: "Analytics", exact: true }),
          row.getByRole("link", { name: "Edit", exact: true }),
        ];
        for (const control of controls) {
          const what = `${at}: ${slug}: ${await control.textContent()}`;
          const box = await control.boundingBox();
          expect(box, `${what} is not shown`).not.toBeNull();
          expect(box!.x, `${what} starts left of the screen`).toBeGreaterThanOrEqual(0);
          expect(box!.x + box!.width, `${what} ends past the visible right edge`).toBeLessThanOrEqual(right);
        }
        const created = await row.locator('td[data-label="Created"] time').evaluate((t) => t.getClientRects().length);
        expect(created, `${at}: ${slug}: lines of its date`).toBe(1);
      }

      const long = rows.filter({ hasText: longSlug });
      const dest = long.locator(`[title="${longUrl}"]`);
      expect(await dest.count(), `${at}: the long destination carries its full text in title`).toBe(1);
      const cut = await dest.evaluate((el, visibleRight) => {
        const box = el.getBoundingClientRect();
        const row = el.closest("tr")!.getBoundingClientRect();
        return {
          clipped: el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight,
          inside: box.left >= row.left && box.right <= Math.min(row.right, visibleRight),
        };
      }, right);
      expect(cut.clipped, `${at}: the long destination is not cut short`).toBe(true);
      expect(cut.inside, `${at}: the long destination runs out of its row or out of sight`).toBe(true);
      await screenshot(page, `links-${width}`);
    }

    // On a phone there is no hover: the link's page shows the destination in full.
    await page.getByRole("link", { name: longSlug, exact: true }).click();
    await page.waitForURL(`**/app/links/${longSlug}`);
    expect(await page.locator("dd.url a").first().textContent()).toBe(longUrl);
    expect(browser.problems).toEqual([]);
  });
});
