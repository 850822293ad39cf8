/// <reference lib="dom" />
/**
 * Single sign-on in Chromium, with the run's real identity provider (dev/oidc-provider.ts): grace presses
 * "Sign in with the development provider", signs in on the provider's pages, comes back signed in (the
 * SameSite=Strict session cookie set on the cross-site return is used by the page that follows), and
 * creates a link, which records her as its creator. She is offered no People page and refused it; demoted
 * to viewer, her next write is refused; the Audit log shows all of it with its actors.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_PEOPLE } from "../../dev/oidc-people.ts";
import { uniqueSlug } from "../helpers/unique.ts";
import { ADMIN_KEY, databaseUrl, openSuite, screenshot, signIn, type Suite } from "./harness.ts";

let suite: Suite;
let db: pg.Client;

beforeAll(async () => {
  db = new pg.Client({ connectionString: databaseUrl() });
  await db.connect();
  // Grace joins by herself here: whatever earlier tests made of her is forgotten (her sessions go with her).
  await db.query("DELETE FROM users WHERE email = $1", [DEV_PEOPLE.grace.email]);
  suite = await openSuite({ landing: true });
});
afterAll(async () => {
  await suite?.close();
  await db?.end();
});

describe("signing in through the identity provider", () => {
  it("signs grace in on the provider's pages and lets her create a link as herself", async () => {
    const { page, worker, landing, browser } = suite;
    await page.goto(`${worker.url}/app/login`);
    await page.getByRole("link", { name: "Sign in with the development provider" }).click();
    // The provider's development pages: any password; then its consent page.
    await page.locator('input[name="login"]').fill("grace");
    await page.locator('input[name="password"]').fill("any password");
    await screenshot(page, "sign-in-provider");
    await page.locator('button[type="submit"]').click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(`${worker.url}/app/links`);
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(1);

    const slug = uniqueSlug("sso");
    await page.goto(`${worker.url}/app/create`);
    await page.getByLabel("Destination URL").fill(`${landing.url}/from-grace`);
    await page.getByLabel("Custom slug").fill(slug);
    await page.getByRole("button", { name: "Create link" }).click();
    await page.waitForURL(`**/app/links/${slug}?done=link-created`);
    await screenshot(page, "sign-in-link-created");

    const { rows } = await db.query(
      "SELECT l.created_by, u.id AS grace, u.role FROM links l, users u WHERE l.slug = $1 AND u.email = $2",
      [slug, DEV_PEOPLE.grace.email],
    );
    expect(rows).toEqual([{ created_by: rows[0]?.grace, grace: expect.stringMatching(/^usr_/), role: "editor" }]);
    const graceId = rows[0].grace as string;

    // An editor is no admin: no People in the menu, and the page itself refused.
    expect(await page.getByRole("link", { name: "People" }).count()).toBe(0);
    expect((await page.goto(`${worker.url}/app/people`))?.status()).toBe(403);

    // Demoted to viewer by the deployment's root key (an owner's powers): her very next write is refused.
    const demote = await fetch(`${worker.url}/api/v1/users/${graceId}`, {
      method: "PATCH", headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" }, body: JSON.stringify({ role: "viewer" }),
    });
    expect(demote.status, await demote.clone().text()).toBe(200);
    await page.goto(`${worker.url}/app/create`);
    await page.getByLabel("Destination URL").fill(`${landing.url}/from-a-viewer`);
    await page.getByLabel("Custom slug").fill(uniqueSlug("sso"));
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/app/create"),
      page.getByRole("button", { name: "Create link" }).click(),
    ]);
    expect(refused.status()).toBe(403);
    expect(browser.problems).toEqual([]);

    // The Audit log, read by an admin: her sign-in and her link with her name, her demotion with its maker's.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/app/login**");
    await signIn(page, worker.url, ADMIN_KEY);
    const actions = async (path: string) => {
      await page.goto(`${worker.url}${path}`);
      return page.locator("table.audit tbody tr").evaluateAll((trs) => trs.map((tr) => [tr.querySelector("td.actor")?.textContent?.trim(), tr.querySelector('td[data-label="Action"]')?.textContent?.trim()]));
    };
    expect(await actions(`/app/audit?actor=${graceId}`)).toEqual(expect.arrayContaining([
      [DEV_PEOPLE.grace.name, "link.created"], [DEV_PEOPLE.grace.name, "session.signed_in"],
    ]));
    expect(await actions(`/app/audit?action=user.updated&target=${encodeURIComponent(`user:${graceId}`)}`)).toEqual([["ADMIN_API_KEY", "user.updated"]]);
    await screenshot(page, "sign-in-audit");
    expect(browser.problems).toEqual([]);
  });
});
