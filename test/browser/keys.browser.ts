/**
 * API keys in the browser: an admin mints a key (shown once) and revokes it; a person signed in with a key
 * that lacks a scope sees the API's refusal in words, and their session ends the moment the key is revoked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { ADMIN_KEY, launchBrowser, screenshot, signIn, startWorker, type BrowserSession } from "./harness.ts";
import { uniqueSlug } from "../helpers/unique.ts";

let worker: WorkerServer;
let admin: BrowserSession;
let other: BrowserSession;

beforeAll(async () => {
  [worker, admin, other] = await Promise.all([startWorker(), launchBrowser(), launchBrowser()]);
});

afterAll(async () => {
  await admin?.close();
  await other?.close();
  await worker?.dispose();
});

describe("API keys page", () => {
  it("mints a key shown once, which signs in with only its scopes, and revoking it ends that session", async () => {
    const page = await admin.newPage();
    await signIn(page, worker.url, ADMIN_KEY);
    await page.getByRole("link", { name: "API keys" }).click();
    const name = uniqueSlug("analyst");

    // The API's own validation, shown beside the field: a key needs a name.
    await page.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => page.locator("#f-name-error").isVisible()).toBe(true);

    // By id: the restrictions list every domain by its hostname as a label, and one made by another test may contain "name".
    await page.locator("#f-name").fill(name);
    for (const scope of ["links:read", "links:write"]) await page.getByLabel(scope, { exact: true }).uncheck();
    await page.getByLabel("analytics:read", { exact: true }).check();
    await page.getByRole("button", { name: "Create key" }).click();
    const key = await page.locator("#minted-key").inputValue();
    expect(key.length).toBeGreaterThanOrEqual(20);
    const row = page.locator("tbody tr", { hasText: name });
    expect(await row.locator("td", { hasText: "analytics:read" }).count()).toBe(1);
    await screenshot(page, "keys");
    await page.goto(`${worker.url}/app/keys`);
    expect(await page.locator("#minted-key").count()).toBe(0); // shown once: not on the next view
    expect(await page.content()).not.toContain(key);

    // The new key signs in; its missing scope is refused by the API, in words, and no admin page is offered.
    const limited = await other.newPage();
    await signIn(limited, worker.url, key);
    expect(new URL(limited.url()).pathname).toBe("/app/stats"); // the first page this key can use
    await limited.goto(`${worker.url}/app/links`);
    expect(await limited.locator(".error-summary").textContent()).toMatch(/links:read/);
    expect(await limited.getByRole("link", { name: "API keys" }).count()).toBe(0);
    expect(await limited.getByRole("link", { name: "New link" }).count()).toBe(0);

    // Revoke it (after a confirmation page); the other person's next page asks them to sign in again.
    await page.locator("tbody tr", { hasText: name }).getByRole("link", { name: "Revoke" }).click();
    await page.getByRole("button", { name: "Revoke key" }).click();
    await page.waitForURL("**/app/keys?done=key-revoked");
    expect(await page.locator("tbody tr", { hasText: name }).textContent()).toContain("Revoked");

    await limited.goto(`${worker.url}/app/stats`);
    expect(new URL(limited.url()).pathname).toBe("/app/login");
    expect(await limited.locator(".notice").textContent()).toMatch(/sign in again/);
  });

  it("met no CSP violation and no script error on any page", () => {
    expect([...admin.problems, ...other.problems]).toEqual([]);
  });
});
