/**
 * The audit log in the browser: a person signed in with a named admin key creates a link on the dashboard,
 * opens the Audit log, filters by action and sees the change with its actor; the actor's name filters by them.
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

describe("Audit log page", () => {
  it("shows a change made on the dashboard, with who made it", async () => {
    const name = uniqueSlug("auditor");
    const res = await fetch(`${worker.url}/api/v1/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ name, scopes: ["admin"] }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { key } = (await res.json()) as { key: string };

    const page = await browser.newPage();
    await signIn(page, worker.url, key);
    await page.goto(`${worker.url}/app/create`);
    const slug = uniqueSlug("aud");
    await page.getByLabel("Destination URL").fill("https://example.com/audited");
    await page.getByLabel("Custom slug").fill(slug);
    await page.getByRole("button", { name: "Create link" }).click();
    await page.waitForURL(`**/${slug}**`);

    await page.getByRole("link", { name: "Audit log" }).click();
    await page.waitForURL("**/app/audit");
    await page.getByLabel("Action").selectOption("link.created");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL("**/app/audit?**action=link.created**");
    const row = page.locator("table.audit tbody tr").first();
    expect(await row.locator("td.actor").textContent()).toBe(name);
    await row.getByText("Before and after").click();
    expect(await row.locator("pre.change").textContent()).toContain(slug);
    await screenshot(page, "audit");

    // The actor's name filters the log by them: only their change is left.
    await row.locator("td.actor a").click();
    await page.waitForURL("**/app/audit?**actor=**");
    expect(await page.locator("table.audit tbody tr").count()).toBe(1);
  });

  it("met no CSP violation and no script error on any page", () => {
    expect(browser.problems).toEqual([]);
  });
});
