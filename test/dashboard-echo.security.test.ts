/**
 * The dashboard never renders text an address carries: a notice after a form comes from a fixed code, and a
 * page about a link, domain or tag names only one that exists. Otherwise anyone could send a signed-in user a
 * link to our own page saying what they liked ("Your session expired: sign in again at ...").
 */
import { afterAll, describe, expect, it } from "vitest";
import { createLink } from "./helpers/api.ts";
import { DomainFixtures } from "./helpers/domains.ts";
import { ADMIN_KEY } from "./helpers/env.ts";
import { BASE, call } from "./helpers/worker.ts";

const BAIT = "Your session expired: sign in again at https://evil.example/login";
const fixtures = new DomainFixtures();
afterAll(() => fixtures.cleanup());

async function signIn() {
  const res = await call("POST", "/app/login", {
    key: null, headers: { origin: BASE, "content-type": "application/x-www-form-urlencoded" }, raw: new URLSearchParams({ key: ADMIN_KEY }),
  });
  return res.headers.get("set-cookie")!.split(";")[0];
}

describe("the dashboard echoes nothing from the address", () => {
  it("shows no notice made of query text, on any page that shows notices", async () => {
    const cookie = await signIn();
    const q = encodeURIComponent(BAIT);
    const link = await createLink({ url: "https://example.com/echo" });
    fixtures.links.add(link.id);
    const pages = [
      `/app/domains?added=${q}`, `/app/domains?removed=${q}`, `/app/links?deleted=${q}`,
      `/app/tags?renamed=${q}&from=${q}&links=${q}`, `/app/tags?deleted=${q}`, `/app/links/${link.slug}?done=${q}`,
      `/app/keys?done=${q}`, `/app/login?done=${q}`,
    ];
    for (const path of pages) {
      // The sign-in page is for those without a session (with one, it sends them on).
      const res = await call("GET", path, { key: null, headers: path.startsWith("/app/login") ? {} : { cookie } });
      expect(res.status, path).toBe(200);
      const html = await res.text();
      // The bait's own words: other test files make keys and links named with other "evil.example" text.
      expect(html, path).not.toContain("session expired");
      expect(html, path).not.toContain("evil.example/login");
      expect(html, path).not.toContain('class="notice"');
    }
  });

  it("still says what a form did, from its fixed code", async () => {
    const cookie = await signIn();
    const res = await call("GET", "/app/domains?done=domain-added", { key: null, headers: { cookie } });
    expect(await res.text()).toContain('<p class="notice" role="status">Domain added.</p>');
  });

  it("answers 4xx without the address's text for a domain, link or tag that does not exist", async () => {
    const cookie = await signIn();
    const d = await fixtures.add();
    const bait = encodeURIComponent(BAIT);
    for (const path of [
      `/app/domains/${bait}/remove`, `/app/domains/${bait}/edit`,
      `/app/links/${bait}`, `/app/links/${bait}/edit`, `/app/links/${bait}/delete`, `/app/links/${bait}/stats`,
      `/app/tags/delete?tag=${bait}`,
    ]) {
      const res = await call("GET", path, { key: null, headers: { cookie } });
      // 404, or 400 where the text cannot even be a slug: either way the page does not repeat it.
      expect([400, 404], path).toContain(res.status);
      expect(await res.text(), path).not.toContain("evil.example");
    }
    // A domain that exists is still named on its pages.
    const remove = await call("GET", `/app/domains/${d.hostname}/remove`, { key: null, headers: { cookie } });
    expect(remove.status).toBe(200);
    expect(await remove.text()).toContain(`Remove <code>${d.hostname}</code>?`);
  });
});
