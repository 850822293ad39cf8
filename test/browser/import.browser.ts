/**
 * Import in the browser: a file of 10,050 Shlink rows is picked, run dry (the detected format and the
 * report shown, nothing written), then imported; more rows than one request applies, so the progress bar
 * follows the background job to 100%, and the links are then on the links page. Export is a button there.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { openSuite, screenshot, signIn, type BrowserSession, type Suite } from "./harness.ts";

let suite: Suite | undefined;
let worker: WorkerServer;
let browser: BrowserSession;

beforeAll(async () => {
  ({ worker, browser } = suite = await openSuite());
});
afterAll(() => suite?.close());

const ROWS = 10_050;

describe("import page", () => {
  it("runs a file dry, then imports it with the progress bar reaching 100%, and the links appear", async () => {
    const prefix = `br${Date.now().toString(36)}`;
    const lines = ["Long URL,Short code,Domain,Title,Tags"];
    for (let i = 0; i < ROWS; i++) lines.push(`https://example.com/browser/${i},${prefix}-${i},,Browser row ${i},imported`);
    const page = await browser.newPage();
    await signIn(page, worker.url);
    await page.goto(`${worker.url}/app/links`);
    await page.getByRole("link", { name: "Import" }).click();
    await page.getByLabel("File").setInputFiles({ name: "shlink.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n")) });

    await page.getByRole("button", { name: "Dry run" }).click();
    const heading = page.locator("#import-report h2");
    await expect.poll(() => heading.textContent(), { timeout: 60_000 }).toBe("Dry run: done");
    expect(await page.locator("#import-format").textContent()).toBe("Shlink");
    expect(await page.locator("#import-created").textContent()).toBe(String(ROWS));
    expect(await page.locator("#import-failed").textContent()).toBe("0");
    // Nothing written by the dry run.
    await page.goto(`${worker.url}/app/links?q=${prefix}-1`);
    expect(await page.getByText("No links match.").count()).toBe(1);
    await page.goBack();

    await page.getByLabel("File").setInputFiles({ name: "shlink.csv", mimeType: "text/csv", buffer: Buffer.from(lines.join("\n")) });
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await expect.poll(() => heading.textContent(), { timeout: 120_000 }).toBe("Import: done");
    const bar = page.locator("#import-progress");
    expect(await bar.getAttribute("value")).toBe(String(ROWS));
    expect(await bar.getAttribute("max")).toBe(String(ROWS));
    expect(await page.locator("#import-created").textContent()).toBe(String(ROWS));
    await screenshot(page, "import");

    await page.getByRole("link", { name: "See your links" }).click();
    await page.goto(`${worker.url}/app/links?q=${prefix}-4242`);
    expect(await page.locator("td.slug a", { hasText: `${prefix}-4242` }).count()).toBe(1);
    // The links page's export button downloads the same links.
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export CSV" }).click();
    const file = await (await download).createReadStream();
    let text = "";
    for await (const chunk of file) text += chunk;
    expect(text.split("\r\n")[0]).toMatch(/^id,slug,domain,/);
    expect(text).toContain(`,${prefix}-4242,`);
    expect(browser.problems).toEqual([]);
  }, 240_000);
});
