/**
 * A disabled link answers 410 with a page saying so on every path: the app and the fast path (an entry in
 * this isolate's cache), after a Redis or a Postgres read, HEAD, POST, bots, link-preview fetchers, password
 * links; enabling it brings the redirect back. A link with a warning shows people a page with "continue
 * anyway" (and no automatic redirect), fetchers and bots the page without the destination; clearing it brings
 * the redirect back (docs/abuse.md).
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { toStoredPreview } from "../functions/api/links/preview-schemas.ts";
import { fastRedirect } from "../functions/redirect/fast-path.ts";
import { isolateGet } from "../functions/redirect/link-cache/isolate-tier.ts";
import { hashPassword } from "../functions/shared/password.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { bindings } from "./helpers/env.ts";
import { FETCHERS } from "./helpers/preview-fetchers.ts";
import { BROWSER_UA, Fixtures, human, humanForm, visitor } from "./helpers/redirect.ts";
import { redis } from "./helpers/redis.ts";
import { BASE, call } from "./helpers/worker.ts";

const f = new Fixtures();
afterAll(() => f.cleanup());

const SLACK = FETCHERS[0].ua;
const patch = async (slug: string, body: Record<string, unknown>) => {
  const res = await call("PATCH", `/api/v1/links/${slug}`, { body });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json() as Promise<Record<string, unknown>>;
};

/** The fast path's answer (null: it left the request to the app), after its waitUntil work. */
async function fast(path: string, method = "GET"): Promise<Response | null> {
  const ctx = createExecutionContext();
  const res = fastRedirect(new Request(`${BASE}${path}`, { method, headers: { "user-agent": BROWSER_UA, "x-forwarded-for": "203.0.113.77" } }), bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function expectDisabled(res: Response, reason?: string) {
  const body = await res.text();
  expect(res.status, body).toBe(410);
  expect(res.headers.get("location")).toBeNull();
  expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(res.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
  expect(res.headers.get("cache-control")).toBe("no-store");
  if (res.headers.get("content-length") !== "0" && body) {
    expect(body).toContain("This link has been disabled");
    if (reason) expect(body).toContain(reason);
    expect(body).not.toContain("<script");
  }
  return body;
}

describe("a disabled link", () => {
  it("answers 410 with its (escaped) reason on GET, HEAD, for bots and fetchers, and records no click", async () => {
    const link = await f.link({ url: "https://dest.example/disabled-dest", preview: toStoredPreview({ title: "Card", description: null, image: null }) });
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(302);
    const shown = await patch(link.slug, { disabled: true, disabledReason: "Phishing <b>&</b>" });
    expect(shown).toMatchObject({ disabled: true, disabledReason: "Phishing <b>&</b>", warning: null });
    expect(Date.parse(shown.disabledAt as string)).toBeGreaterThan(Date.now() - 60_000);

    const body = await expectDisabled(await call("GET", `/${link.slug}?utm_source=x`, human()), "Phishing &lt;b&gt;&amp;&lt;/b&gt;");
    expect(body).not.toContain("<b>");
    expect(body).not.toContain("dest.example");
    const head = await call("HEAD", `/${link.slug}`, human());
    expect(head.status).toBe(410);
    expect(await head.text()).toBe("");
    for (const ua of [SLACK, "Googlebot/2.1 (+http://www.google.com/bot.html)", ""]) {
      const res = await call("GET", `/${link.slug}`, visitor({ "user-agent": ua }));
      const text = await expectDisabled(res);
      expect(text).not.toContain("og:");
    }
    expect(await f.events(link.id)).toHaveLength(1); // the one redirect before it was disabled
  });

  it("is answered by the app, not the fast path, when its entry is in this isolate's cache", async () => {
    const link = await f.link({ url: "https://dest.example/fast-disabled" });
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(302); // fills this isolate's cache
    expect(await fast(`/${link.slug}`)).not.toBeNull(); // an ordinary cached link: the fast path answers
    await patch(link.slug, { disabled: true });
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(410); // a Redis read, refilling the isolate
    const cached = isolateGet(link.slug);
    expect(cached && "id" in cached && cached.halt).toEqual({ disabled: { reason: null } });
    expect(await fast(`/${link.slug}`)).toBeNull();
    expect(await fast(`/${link.slug}`, "HEAD")).toBeNull();
    await expectDisabled(await call("GET", `/${link.slug}`, human()));

    await patch(link.slug, { disabled: false });
    const back = await call("GET", `/${link.slug}`, human());
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("https://dest.example/fast-disabled");
    const again = await fast(`/${link.slug}`);
    expect(again?.status).toBe(302);
    expect(await (await call("GET", `/api/v1/links/${link.slug}`)).json()).toMatchObject({ disabled: false, disabledReason: null, disabledAt: null });
  });

  it("answers 410 from a Redis entry and from Postgres alone", async () => {
    const link = await f.link({ url: "https://dest.example/tiers" });
    await patch(link.slug, { disabled: true, disabledReason: "tiers" });
    const noIsolate = { LINK_CACHE_SECONDS: "0" };
    expect(JSON.stringify(await redis.get(redisKeys.link(link.slug)))).toContain('"halt"');
    await expectDisabled(await call("GET", `/${link.slug}`, { ...human(), settings: noIsolate }), "tiers");
    await redis.del(redisKeys.link(link.slug));
    await expectDisabled(await call("GET", `/${link.slug}`, { ...human(), settings: noIsolate }), "tiers");
    // The Postgres read refilled Redis with the disabled entry.
    expect(JSON.stringify(await redis.get(redisKeys.link(link.slug)))).toContain('"disabled"');
  });

  it("answers 410 to a password link's form and its right password alike", async () => {
    const link = await f.link({ url: "https://dest.example/secret-disabled", passwordHash: await hashPassword("open sesame") });
    await patch(link.slug, { disabled: true });
    await expectDisabled(await call("GET", `/${link.slug}`, human()));
    const res = await call("POST", `/${link.slug}`, humanForm(new URLSearchParams({ password: "open sesame" })));
    const body = await expectDisabled(res);
    expect(body).not.toContain("secret-disabled");
  });

  it("keeps the entry of an ordinary link as it was: no halt property", async () => {
    const link = await f.link({ url: "https://dest.example/plain" });
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(302);
    const entry = (await redis.get(redisKeys.link(link.slug))) as Record<string, unknown>;
    expect(entry).not.toHaveProperty("halt");
  });
});

describe("a link with a warning", () => {
  const WARNING = "Reported as <phishing> & malware";

  it("shows people a page with continue-anyway to their destination, never redirecting; fetchers and bots get no destination", async () => {
    const link = await f.link({ url: "https://dest.example/warned?keep=1", preview: toStoredPreview({ title: "Card", description: null, image: null }) });
    const shown = await patch(link.slug, { warning: WARNING });
    expect(shown).toMatchObject({ warning: WARNING, disabled: false });

    const res = await call("GET", `/${link.slug}?utm_source=chat`, human({ referer: "https://chat.example/room" }));
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get("location")).toBeNull();
    expect(res.headers.get("content-security-policy")).toMatch(/^default-src 'none'/);
    expect(res.headers.get("refresh")).toBeNull();
    expect(body).toContain("This link's destination was reported as unsafe: Reported as &lt;phishing&gt; &amp; malware");
    expect(body).toMatch(/<a href="https:\/\/dest.example\/warned\?keep=1&amp;utm_source=chat"[^>]*>Continue anyway<\/a>/);
    expect(body).toContain('<a href="https://chat.example/room">Go back</a>');
    expect(body).not.toMatch(/<script|http-equiv/i);

    for (const ua of [SLACK, "Googlebot/2.1 (+http://www.google.com/bot.html)"]) {
      const r = await call("GET", `/${link.slug}`, visitor({ "user-agent": ua }));
      const text = await r.text();
      expect(r.status).toBe(200);
      expect(r.headers.get("location")).toBeNull();
      expect(text).toContain("reported as unsafe");
      expect(text).not.toContain("dest.example");
      expect(text).not.toContain("og:");
    }
    const head = await call("HEAD", `/${link.slug}`, human());
    expect(head.status).toBe(200);
    expect(head.headers.get("location")).toBeNull();

    // Visits are recorded, without a destination (nobody was redirected).
    const events = await f.events(link.id);
    expect(events.length).toBe(4);
    expect(events.every((e) => e.dest === null)).toBe(true);

    // Cleared by an admin: the redirect is back, on the fast path too.
    await patch(link.slug, { warning: null });
    const back = await call("GET", `/${link.slug}`, human());
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("https://dest.example/warned?keep=1");
    expect((await fast(`/${link.slug}`))?.status).toBe(302);
  });

  it("comes after the password: the form first, the warning once unlocked", async () => {
    const link = await f.link({ url: "https://dest.example/warned-secret", passwordHash: await hashPassword("open sesame"), warning: WARNING });
    const form = await call("GET", `/${link.slug}`, human());
    expect(form.status).toBe(200);
    const formText = await form.text();
    expect(formText).toContain('type="password"');
    expect(formText).not.toContain("warned-secret");
    const res = await call("POST", `/${link.slug}`, humanForm(new URLSearchParams({ password: "open sesame" })));
    const body = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get("location")).toBeNull();
    expect(body).toContain('href="https://dest.example/warned-secret"');
  });

  it("a disabled link with a warning answers 410 all the same (disabled comes first)", async () => {
    const link = await f.link({ url: "https://dest.example/both", warning: WARNING, disabledAt: new Date(), disabledReason: "both" });
    await expectDisabled(await call("GET", `/${link.slug}`, human()), "both");
  });
});
