/**
 * Domains in the browser: an admin adds a domain on the Domains page, creates a link on it with the domain
 * picker, and finds it in the links list under that domain; the short URL answers on that host (a request
 * with that Host header, as a visitor's browser would send once DNS points at the Worker).
 */
import http from "node:http";
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

/** GET `path` on the Worker's port with another Host header (Node's fetch cannot set Host). */
function getOnHost(host: string, path: string): Promise<{ status: number; location?: string }> {
  const { hostname, port } = new URL(worker.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method: "GET", headers: { host, "user-agent": "Mozilla/5.0 Chrome/140.0" } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("Domains page", () => {
  it("adds a domain, creates a link on it, and lists the link under that domain", async () => {
    const page = await browser.newPage();
    await signIn(page, worker.url);
    const hostname = `${uniqueSlug("go")}.example.test`;
    const slug = uniqueSlug("dl");

    await page.getByRole("link", { name: "Domains" }).click();
    // The API's refusal of a bad hostname, beside the field.
    await page.getByLabel("Hostname").fill("not a hostname");
    await page.getByRole("button", { name: "Add domain" }).click();
    await expect.poll(() => page.locator("#f-hostname-error").isVisible()).toBe(true);

    await page.getByLabel("Hostname").fill(hostname);
    await page.getByLabel("Not-found redirect").fill("https://example.com/not-found");
    await page.getByRole("button", { name: "Add domain" }).click();
    await page.waitForURL("**/app/domains?done=domain-added");
    const row = page.locator("tbody tr", { hasText: hostname });
    expect(await row.locator("td", { hasText: "https://example.com/not-found" }).count()).toBe(1);
    await screenshot(page, "domains");

    await page.goto(`${worker.url}/app/create`);
    await page.getByLabel("Domain").selectOption(hostname);
    await page.getByLabel("Destination URL").fill("https://example.com/on-a-domain");
    await page.getByLabel("Custom slug").fill(slug);
    await page.getByRole("button", { name: "Create link" }).click();
    await page.waitForURL((u) => u.pathname === `/app/links/${slug}` && u.searchParams.get("domain") === hostname);
    expect(await page.locator("#short-url").inputValue()).toBe(`http://${hostname}/${slug}`);

    // The list, filtered by that domain: the link, in the Domain column.
    await page.goto(`${worker.url}/app/links`);
    await page.getByLabel("Domain").selectOption(hostname);
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL((u) => u.searchParams.get("domain") === hostname);
    const rows = page.locator("tbody tr");
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('td[data-label="Domain"]').textContent()).toBe(hostname);
    expect(await rows.first().locator('td[data-label="Short link"] a').textContent()).toBe(slug);
    await screenshot(page, "links-domain");

    // Its pages carry the domain: analytics and edit name the right link.
    await rows.first().getByRole("link", { name: "Analytics" }).click();
    expect(await page.locator("h1").textContent()).toContain(hostname);

    // The short URL answers on its own host; an unknown slug there goes to the not-found redirect.
    expect(await getOnHost(hostname, `/${slug}`)).toEqual({ status: 302, location: "https://example.com/on-a-domain" });
    expect(await getOnHost(hostname, `/${slug}-nope`)).toEqual({ status: 302, location: "https://example.com/not-found" });
    expect((await getOnHost(new URL(worker.url).host, `/${slug}`)).status).toBe(404);
  });

  it("met no CSP violation and no script error on any page", () => {
    expect(browser.problems).toEqual([]);
  });
});
