/**
 * The preview card cannot be turned against its viewers or its link: hostile values come out escaped (no
 * script, no broken-out attribute), an image that is not https is refused, and a link with a password or a
 * click limit never shows its destination in the card, nor loses a click to a fetcher.
 */
import { afterAll, describe, expect, it } from "vitest";
import { toStoredPreview } from "../functions/api/links/preview-schemas.ts";
import { hashPassword } from "../functions/shared/password.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { expectLinkAbsent, expectLinksProblem } from "./helpers/links-problems.ts";
import { FETCHERS } from "./helpers/preview-fetchers.ts";
import { redis } from "./helpers/redis.ts";
import { Fixtures, human, humanForm, visitor } from "./helpers/redirect.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";
import { DomainFixtures } from "./helpers/domains.ts";

const f = new Fixtures();
/** Links made through the API (removed with their clicks by id). */
const made = new DomainFixtures();
afterAll(async () => {
  await f.cleanup();
  await made.cleanup();
});

const fetcher = (ua = FETCHERS[0].ua) => visitor({ "user-agent": ua });
const SECRET = "https://dest.example/very-secret-path?token=s3cr3t";
const FALLBACK = "https://fallback.example/also-secret";
/** Nothing of either URL, not even a host, may be in a page that withholds them. */
const leaks = (page: string) => [/very-secret-path|s3cr3t|dest\.example/, /also-secret|fallback\.example/].filter((re) => re.test(page));

describe("hostile card values", () => {
  it("come out escaped in every tag: no script, no attribute broken out of, no tag injected", async () => {
    const hostile = {
      title: `"><script>alert(1)</script><meta http-equiv="refresh" content="0;url=https://evil.example/">`,
      description: `' onload='alert(2)' x="</title><script>alert(3)</script>`,
      image: `https://img.example/x.png?q="><script>alert(4)</script>&r='`,
    };
    const created = await call("POST", "/api/v1/links", { body: { url: SECRET, slug: uniqueSlug("xss"), preview: hostile } });
    expect(created.status).toBe(201);
    const link = (await created.json()) as any;
    made.links.add(link.id);
    for (const { ua } of FETCHERS.slice(0, 3)) {
      const res = await call("GET", `/${link.slug}?"><script>alert(5)</script>`, fetcher(ua));
      const page = await res.text();
      expect(res.status).toBe(200);
      expect(page).not.toMatch(/<script|<meta http-equiv|onload='|evil\.example\/">/i);
      // Every element the page has is one it was written with: meta, title, and the body's few.
      const tags = new Set([...page.matchAll(/<([a-z][a-z0-9-]*)/gi)].map((m) => m[1].toLowerCase()));
      expect([...tags].sort()).toEqual(["body", "h1", "head", "html", "img", "main", "meta", "p", "title"]);
      // Each attribute value is one quoted string: the hostile quotes are entities, not delimiters.
      for (const m of page.matchAll(/<meta [^>]*>/g)) expect(m[0], m[0]).toMatch(/^<meta (?:[a-z:-]+="[^"<>]*" ?)+>$/);
      expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
      expect(page).toContain("&#39; onload=&#39;alert(2)&#39;");
      expect(leaks(page)).toEqual([]);
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(res.headers.get("content-security-policy")).not.toMatch(/script-src|unsafe/);
    }
  });

  it.each([
    ["javascript:alert(1)", "must be an https URL"],
    ["JavaScript:alert(document.domain)//https://img.example/x.png", "must be an https URL"],
    ["data:image/svg+xml,<svg onload=alert(1)>", "must be an https URL"],
    ["http://img.example/x.png", "must be an https URL"],
    ["//img.example/x.png", "must be an absolute https URL"],
    ["https://user:pass@img.example/x.png", "must not carry a user name or password"],
  ])("refuses the image %s, naming preview.image, and stores nothing", async (image, message) => {
    const slug = uniqueSlug("img");
    const res = await call("POST", "/api/v1/links", { body: { url: SECRET, slug, preview: { title: "t", image } } });
    const body = await expectLinksProblem(res, 400, ["preview.image"]);
    expect(body.errors[0].message).toBe(message);
    await expectLinkAbsent(slug);
  });
});

describe("a link whose destination is withheld", () => {
  it("with a click limit of one: fetchers get the card without the destination and use up nothing; the one click stays a person's", async () => {
    const link = await f.link({ url: SECRET, maxClicks: 1, fallbackUrl: FALLBACK, preview: toStoredPreview({ title: "One time" }) });
    for (const { ua } of FETCHERS) {
      const res = await call("GET", `/${link.slug}`, fetcher(ua));
      const page = await res.text();
      expect([res.status, res.headers.get("location")]).toEqual([200, null]);
      expect(page).toContain(`<meta property="og:title" content="One time">`);
      expect(leaks(page)).toEqual([]);
      const head = await call("HEAD", `/${link.slug}`, fetcher(ua));
      expect([head.status, head.headers.get("location")]).toEqual([200, null]);
    }
    expect(await redis.get(redisKeys.clickClaims(link.id))).toBeNull();
    const first = await call("GET", `/${link.slug}`, human());
    expect([first.status, first.headers.get("location")]).toEqual([302, SECRET]);
    // Used up: now everyone, fetchers included, goes to the fallback (the card comes after the click limit).
    const again = await call("GET", `/${link.slug}`, fetcher());
    expect([again.status, again.headers.get("location")]).toEqual([302, FALLBACK]);
    const events = await f.events(link.id);
    expect(events.filter((e) => e.kind === "human")).toHaveLength(1);
    expect(events.filter((e) => e.kind === "preview" && e.dest === null)).toHaveLength(FETCHERS.length * 2);
  });

  it("with a password: fetchers get the card, never the destination, whether or not it expired; people get the form", async () => {
    const past = new Date(Date.now() - 60_000);
    for (const expiresAt of [null, past]) {
      const link = await f.link({
        url: SECRET, fallbackUrl: FALLBACK, expiresAt, passwordHash: await hashPassword("pw"), preview: toStoredPreview({ title: "Members only", image: "https://img.example/m.png" }),
      });
      for (const { ua } of FETCHERS) {
        const res = await call("GET", `/${link.slug}`, fetcher(ua));
        const page = await res.text();
        expect([res.status, res.headers.get("location")]).toEqual([200, null]);
        expect(page).toContain(`<meta property="og:title" content="Members only">`);
        expect(leaks(page)).toEqual([]);
      }
      const form = await call("GET", `/${link.slug}`, human());
      expect(form.status).toBe(200);
      expect(await form.text()).toContain('type="password"');
      // A fetcher posting the password is unlocking, not previewing: it gets what a person gets.
      const unlocked = await call("POST", `/${link.slug}`, humanForm("password=pw", { "user-agent": FETCHERS[0].ua }));
      expect([unlocked.status, unlocked.headers.get("location")]).toEqual(expiresAt ? [303, FALLBACK] : [303, SECRET]);
    }
  });

  it("not yet valid, or expired without a password: fetchers get the 404 and the 410 everyone gets, not the card", async () => {
    const card = toStoredPreview({ title: "Soon" });
    const early = await f.link({ url: SECRET, validSince: new Date(Date.now() + 3600_000), preview: card });
    const res = await call("GET", `/${early.slug}`, fetcher());
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("Soon");
    const expired = await f.link({ url: SECRET, expiresAt: new Date(Date.now() - 60_000), preview: card });
    const gone = await call("GET", `/${expired.slug}`, fetcher());
    expect(gone.status).toBe(410);
    expect(await gone.text()).not.toContain("Soon");
    expect(await f.events(early.id)).toEqual([]);
  });
});
