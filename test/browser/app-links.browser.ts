/**
 * App links in the browser: an admin pastes an apple-app-site-association file on a domain's edit page (a
 * broken one first: the API's refusal shows beside the field), uploads a PNG logo made with fast-png, sees it
 * previewed, and the Worker serves the file at /.well-known/ on that domain's host; then removes the logo.
 */
import http from "node:http";
import { encode } from "fast-png";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { uniqueSlug } from "../helpers/unique.ts";
import { ADMIN_KEY, openSuite, screenshot, signIn, type BrowserSession, type Suite } from "./harness.ts";

let suite: Suite | undefined;
let worker: WorkerServer;
let browser: BrowserSession;
const hostname = `${uniqueSlug("app")}.example.test`;

beforeAll(async () => {
  ({ worker, browser } = suite = await openSuite());
});
afterAll(async () => {
  if (worker) await fetch(`${worker.url}/api/v1/domains/${hostname}`, { method: "DELETE", headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  await suite?.close();
});

/** GET `path` on the Worker's port with another Host header (Node's fetch cannot set Host), as Apple's CDN would. */
function getOnHost(host: string, path: string): Promise<{ status: number; type?: string; location?: string; body: string }> {
  const { hostname: h, port } = new URL(worker.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: h, port, path, method: "GET", headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], location: res.headers.location, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

const aasa = { applinks: { details: [{ appIDs: ["ABCDE12345.com.example.browser"], components: [{ "/": "/*", comment: "ünïcode" }] }] } };

describe("App links on the Domains page", () => {
  it("pastes an association file, uploads a PNG logo, sees it, and the Worker serves the file", async () => {
    const page = await browser.newPage();
    await signIn(page, worker.url);
    await page.getByRole("link", { name: "Domains" }).click();
    await page.getByLabel("Hostname").fill(hostname);
    await page.getByRole("button", { name: "Add domain" }).click();
    await page.waitForURL("**/app/domains?done=domain-added");
    const row = page.locator("tbody tr", { hasText: hostname });
    expect(await row.locator('td[data-label="App links, logo"]').textContent()).toBe("none");
    await row.getByRole("link", { name: "Edit" }).click();
    await page.waitForURL((u) => u.pathname === `/app/domains/${hostname}/edit`);

    // Not JSON: the API refuses it, and the page says so beside the field, keeping what was typed.
    await page.getByLabel("Apple app site association (JSON object)").fill('{"applinks": ');
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.locator("#f-appleAppSiteAssociation-error").textContent()).toContain("not valid JSON");
    expect(await page.getByLabel("Apple app site association (JSON object)").inputValue()).toBe('{"applinks": ');
    // A file that is not a PNG at all, named logo.png: refused beside the logo field.
    await page.getByLabel("Apple app site association (JSON object)").fill(JSON.stringify(aasa, null, 2));
    await page.getByLabel("Logo").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: Buffer.from("not a png, whatever the name says") });
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.locator("#f-qrLogo-error").textContent()).toContain("PNG");
    await screenshot(page, "domain-edit-error");

    // A real PNG, made here: saved, listed, and previewed on the edit page.
    const side = 48;
    const pixels = new Uint8Array(side * side * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256));
    const png = Buffer.from(encode({ width: side, height: side, data: pixels, channels: 4 }));
    await page.getByLabel("Apple app site association (JSON object)").fill(JSON.stringify(aasa, null, 2));
    await page.getByLabel("Logo").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: png });
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL("**/app/domains?done=domain-saved");
    expect(await page.locator("tbody tr", { hasText: hostname }).locator('td[data-label="App links, logo"]').textContent()).toBe("iOS, QR logo");

    await page.goto(`${worker.url}/app/domains/${hostname}/edit`);
    const preview = page.locator("#qr-logo-preview");
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(side);
    expect(await preview.getAttribute("src")).toBe(`data:image/png;base64,${png.toString("base64")}`);
    expect(JSON.parse(await page.getByLabel("Apple app site association (JSON object)").inputValue())).toEqual(aasa);
    await screenshot(page, "domain-edit");

    // The Worker serves the file on the domain's host, as iOS fetches it: 200 application/json, no redirect.
    const served = await getOnHost(hostname, "/.well-known/apple-app-site-association");
    expect(served).toEqual({ status: 200, type: "application/json", location: undefined, body: JSON.stringify(aasa) });
    expect((await getOnHost(hostname, "/.well-known/assetlinks.json")).status).toBe(404);

    // Remove the logo (the file stays).
    await page.getByLabel("Remove the logo").check();
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL("**/app/domains?done=domain-saved");
    expect(await page.locator("tbody tr", { hasText: hostname }).locator('td[data-label="App links, logo"]').textContent()).toBe("iOS");
    await page.goto(`${worker.url}/app/domains/${hostname}/edit`);
    expect(await page.locator("#qr-logo-preview").count()).toBe(0);
    expect((await getOnHost(hostname, "/.well-known/apple-app-site-association")).body).toBe(JSON.stringify(aasa));
  });

  it("met no CSP violation and no script error on any page", () => {
    expect(browser.problems).toEqual([]);
  });
});
