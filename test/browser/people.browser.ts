/**
 * The People page in the browser, signed in with the admin key: invite a person (the API's validation shown
 * beside the field), change their role and disable them, remove them; and "made by" on the links list and
 * link page for a link made by an API key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { uniqueSlug } from "../helpers/unique.ts";
import { ADMIN_KEY, launchBrowser, screenshot, signIn, startWorker, type BrowserSession } from "./harness.ts";

let worker: WorkerServer;
let browser: BrowserSession;

beforeAll(async () => {
  [worker, browser] = await Promise.all([startWorker(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await worker?.dispose();
});

async function api(method: string, path: string, body?: unknown, key = ADMIN_KEY) {
  const res = await fetch(`${worker.url}${path}`, {
    method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as any) };
}

describe("People page", () => {
  it("invites, changes, disables and removes a person", async () => {
    const page = await browser.newPage();
    await signIn(page, worker.url, ADMIN_KEY);
    await page.getByRole("link", { name: "People" }).click();
    expect(new URL(page.url()).pathname).toBe("/app/people");

    await page.locator("#f-email").fill("not an email");
    await page.getByRole("button", { name: "Invite" }).click();
    await expect.poll(() => page.locator("#f-email-error").isVisible()).toBe(true);

    const email = `${uniqueSlug("grace")}@team.example.test`;
    await page.locator("#f-email").fill(email);
    await page.locator("#f-name").fill("Grace");
    await page.locator("#f-role").selectOption("editor");
    await page.getByRole("button", { name: "Invite" }).click();
    await page.waitForURL((u) => u.pathname === "/app/people" && u.search.includes("done=person-invited"));
    const row = page.locator("#people tbody tr", { hasText: email });
    expect(await row.locator('td[data-label="Role"]').textContent()).toBe("editor");
    expect(await row.locator('td[data-label="Status"]').textContent()).toBe("invited");
    await screenshot(page, "people");

    await row.getByRole("link", { name: `Edit ${email}` }).click();
    await page.locator("#f-role").selectOption("viewer");
    await page.locator("#f-disabled").check();
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL((u) => u.search.includes("done=person-saved"));
    expect(await row.locator('td[data-label="Role"]').textContent()).toBe("viewer");
    expect(await row.locator('td[data-label="Status"]').textContent()).toBe("disabled");
    const listed = (await api("GET", "/api/v1/users")).body.data.find((u: { email: string }) => u.email === email);
    expect(listed).toMatchObject({ role: "viewer", disabled: true, name: "Grace" });

    // An admin cannot be restricted: the API's refusal is shown on the form, nothing changes.
    await row.getByRole("link", { name: `Edit ${email}` }).click();
    await page.locator("#f-role").selectOption("admin");
    await page.locator("#f-ownLinksOnly").check();
    await page.getByRole("button", { name: "Save" }).click();
    expect(await page.locator(".field-error").first().textContent()).toMatch(/cannot be restricted/);
    await page.getByRole("link", { name: "Remove…" }).click();
    await page.getByRole("button", { name: "Remove" }).click();
    await page.waitForURL((u) => u.search.includes("done=person-removed"));
    expect(await page.locator("#people tbody tr", { hasText: email }).count()).toBe(0);
  });

  it("shows who made a link on the links list and the link page", async () => {
    const name = uniqueSlug("bot");
    const key = (await api("POST", "/api/v1/keys", { name, scopes: ["links:read", "links:write"] })).body.key as string;
    const made = await api("POST", "/api/v1/links", { url: "https://example.com/made-by", title: name }, key);
    expect(made.status).toBe(201);
    const page = await browser.newPage();
    // Signed in by the test before when it ran (the browser keeps the session cookie), else now.
    await page.goto(`${worker.url}/app/links?q=${name}`);
    if (new URL(page.url()).pathname === "/app/login") {
      await signIn(page, worker.url, ADMIN_KEY);
      await page.goto(`${worker.url}/app/links?q=${name}`);
    }
    const by = page.locator("tbody tr .made-by");
    expect(await by.textContent()).toBe(`by ${name}`);
    await by.click();
    expect(new URL(page.url()).searchParams.get("createdBy")).toBe(made.body.createdBy.id);
    expect(await page.locator("tbody tr").count()).toBe(1);
    await page.goto(`${worker.url}/app/links/${made.body.slug}`);
    expect(await page.locator("dd.made-by").textContent()).toBe(`${name} (API key)`);
  });
});
