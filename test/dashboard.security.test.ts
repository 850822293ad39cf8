/**
 * Dashboard security: who gets a session and what the cookie holds, CSRF refusals, the
 * Content-Security-Policy, and that every page needs a session. Runs the Worker in workerd against the
 * real stack; sign-in is checked by the API itself (functions/dashboard/probe-scopes.ts).
 */
import { describe, expect, it } from "vitest";
import { createLink, mintKey } from "./helpers/api.ts";
import { uniqueHost } from "./helpers/domains.ts";
import { mintRestrictedKey } from "./helpers/restrictions.ts";
import { ADMIN_KEY } from "./helpers/env.ts";
import { BASE, call } from "./helpers/worker.ts";

function login(key: string, opts: { origin?: string | null; next?: string; base?: string } = {}) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  const origin = opts.origin === undefined ? (opts.base ?? BASE) : opts.origin;
  if (origin) headers.origin = origin;
  const body = new URLSearchParams({ key, ...(opts.next ? { next: opts.next } : {}) });
  return call("POST", `${opts.base ?? BASE}/app/login`, { key: null, headers, raw: body });
}

/** The `name=value` part of a Set-Cookie header, ready for a Cookie header. */
const cookiePair = (res: Response) => res.headers.get("set-cookie")!.split(";")[0];

describe("dashboard sessions", () => {
  it("sends a visitor without a session to the sign-in page, keeping where they were going", async () => {
    const res = await call("GET", "/app/links?q=x", { key: null });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/app/login?next=${encodeURIComponent("/app/links?q=x")}`);
  });

  it("signs in with a valid key: HttpOnly, SameSite=Strict, /app-only cookie that does not hold the key in clear", async () => {
    const res = await login(ADMIN_KEY, { next: "/app/stats" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/app/stats");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^eatmyurl_session=/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/app");
    expect(cookie).not.toContain("Secure"); // plain http here; see the next test
    const value = decodeURIComponent(cookiePair(res).split("=").slice(1).join("="));
    expect(value).not.toContain(ADMIN_KEY);
    expect(atobSafe(value)).not.toContain(ADMIN_KEY);

    const page = await call("GET", "/app/links", { key: null, headers: { cookie: cookiePair(res) } });
    expect(page.status).not.toBe(303);
    expect(await page.text()).toContain("Sign out");
  });

  it("marks the cookie Secure when the dashboard is served over https", async () => {
    const res = await login(ADMIN_KEY, { base: "https://sho.rt" });
    expect(res.headers.get("set-cookie")).toContain("Secure");
  });

  it("refuses an unknown key in words beside the field, and sets no cookie", async () => {
    const res = await login("nope-nope-nope-nope-nope");
    expect(res.status).toBe(400);
    expect(res.headers.get("set-cookie")).toBeNull();
    const html = await res.text();
    expect(html).toMatch(/<p class="field-error" id="f-key-error">[^<]*(unknown|revoked)/);
    expect(html).toContain('aria-invalid="true"');
  });

  it("never follows `next` off the dashboard (no open redirect)", async () => {
    for (const next of ["//evil.example/", "https://evil.example/", "/app/../api/v1/keys", "/\\evil.example"]) {
      const res = await login(ADMIN_KEY, { next });
      expect(res.headers.get("location"), next).toBe("/app/links");
    }
  });

  it("refuses a `next` holding control characters, signed in or signing in: no injected header, no 500", async () => {
    const session = cookiePair(await login(ADMIN_KEY));
    for (const next of ["/app/links\r\nX-Injected: 1", "/app/links\nX-Injected: 1", "/app/links\u0000", "/app/links\u007f"]) {
      const signedIn = await call("GET", `/app/login?next=${encodeURIComponent(next)}`, { key: null, headers: { cookie: session } });
      expect(signedIn.status, JSON.stringify(next)).toBe(303);
      expect(signedIn.headers.get("location")).toBe("/app/links");
      expect(signedIn.headers.get("x-injected")).toBeNull();
      const form = await call("GET", `/app/login?next=${encodeURIComponent(next)}`, { key: null });
      expect(form.status).toBe(200);
      expect(await form.text()).not.toContain("X-Injected");
      const res = await login(ADMIN_KEY, { next });
      expect(res.headers.get("location")).toBe("/app/links");
    }
  });

  it("ignores a tampered cookie", async () => {
    const res = await login(ADMIN_KEY);
    const pair = cookiePair(res);
    const i = pair.indexOf("=") + 5;
    const tampered = pair.slice(0, i) + (pair[i] === "A" ? "B" : "A") + pair.slice(i + 1);
    const page = await call("GET", "/app/links", { key: null, headers: { cookie: tampered } });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toMatch(/^\/app\/login/);
  });

  it("ignores a session made under another SESSION_SECRET", async () => {
    const a = { SESSION_SECRET: "session-secret-a-4Qw9zRt2Lp7Xk3Vn" };
    const b = { SESSION_SECRET: "session-secret-b-8Jd1sHf6Gm0Yc5Bu" };
    const headers = { origin: BASE, "content-type": "application/x-www-form-urlencoded" };
    const signedIn = await call("POST", "/app/login", { key: null, headers, raw: `key=${ADMIN_KEY}`, settings: a });
    const cookie = cookiePair(signedIn);
    const same = await call("GET", "/app/links", { key: null, headers: { cookie }, settings: a });
    const other = await call("GET", "/app/links", { key: null, headers: { cookie }, settings: b });
    expect(same.status).not.toBe(303);
    expect(other.status).toBe(303);
  });

  it("answers a configuration problem naming SESSION_SECRET, and sets no cookie, while it is unset, weak or the admin key", async () => {
    const headers = { origin: BASE, "content-type": "application/x-www-form-urlencoded" };
    for (const secret of [undefined, "a".repeat(40), "abababababababababababababababab", ADMIN_KEY]) {
      const res = await call("POST", "/app/login", { key: null, headers, raw: `key=${ADMIN_KEY}`, settings: { SESSION_SECRET: secret } });
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.headers.get("set-cookie")).toBeNull();
      const problem = (await res.json()) as { type: string; errors: { path: string }[] };
      expect(problem.type).toBe("https://eatmyurl.dev/problems/configuration");
      expect(problem.errors.map((e) => e.path)).toEqual(["SESSION_SECRET"]);
    }
    // The redirect needs no SESSION_SECRET.
    expect((await call("GET", "/healthz", { key: null, settings: { SESSION_SECRET: undefined } })).status).toBe(200);
  });

  it("answers 400, never 500, to a form body it cannot read (malformed multipart, an undecodable charset)", async () => {
    const bodies: [string, string][] = [
      ["multipart/form-data; boundary=xyz", "--xyz\r\nnot a part at all"],
      ["application/x-www-form-urlencoded; charset=utf-16", "k\u0000e\u0000y\u0000=\u0000x"],
    ];
    const signedIn = cookiePair(await login(ADMIN_KEY));
    for (const [type, raw] of bodies) {
      const anonymous = await call("POST", "/app/login", { key: null, headers: { origin: BASE, "content-type": type }, raw });
      expect(anonymous.status).toBe(400);
      const create = await call("POST", "/app/create", { key: null, headers: { origin: BASE, cookie: signedIn, "content-type": type }, raw });
      expect(create.status).toBe(400);
    }
  });

  it("signs out: the cookie is cleared", async () => {
    const res = await login(ADMIN_KEY);
    const out = await call("POST", "/app/logout", {
      key: null, headers: { cookie: cookiePair(res), origin: BASE, "content-type": "application/x-www-form-urlencoded" },
    });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/^eatmyurl_session=;.*Max-Age=0/);
  });
});

describe("dashboard scopes come from the API", () => {
  const page = (path: string, cookie: string) => call("GET", path, { key: null, headers: { cookie } });

  it("offers a key only what it may use, shows the API's refusal in words, and ends its session once revoked", async () => {
    const { id, key } = await mintKey(["analytics:read"], "dashboard analyst");
    const res = await login(key);
    expect(res.headers.get("location")).toBe("/app/stats"); // no links:read: analytics is its first page
    const cookie = cookiePair(res);

    const stats = await (await page("/app/stats", cookie)).text();
    expect(stats).not.toContain('href="/app/keys"');
    const links = await page("/app/links", cookie);
    expect(links.status).toBe(403);
    expect(await links.text()).toContain("lacks the &quot;links:read&quot; scope");

    expect((await call("DELETE", `/api/v1/keys/${id}`)).status).toBe(204);
    const after = await page("/app/stats", cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe("/app/login?done=session-expired");
  });

  it("learns links:write without creating anything", async () => {
    const { key } = await mintKey(["links:write"], "dashboard writer");
    const before = await call("GET", "/api/v1/links?limit=1");
    const res = await login(key);
    const html = await (await page("/app/links", cookiePair(res))).text();
    expect(html).toContain('href="/app/create"');
    expect(await (await call("GET", "/api/v1/links?limit=1")).json()).toEqual(await before.json());
  });
});

describe("dashboard CSRF and CSP", () => {
  it("refuses a form POST from another origin, or with no origin at all, and changes nothing", async () => {
    for (const origin of ["http://evil.example", null]) {
      const res = await login(ADMIN_KEY, { origin });
      expect(res.status, String(origin)).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
  });

  it("serves pages under a strict CSP, with no inline script", async () => {
    const res = await call("GET", "/app/login", { key: null });
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await res.text();
    // Every <script> loads a file; JSON data blocks (never executed) are the only other kind allowed.
    for (const tag of html.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/src="\/assets\/|type="application\/json"/);
  });
});

function atobSafe(s: string): string {
  try {
    return atob(s.split(".")[0].replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return "";
  }
}

describe("the dashboard under a key's restrictions", () => {
  const page = (path: string, cookie: string) => call("GET", path, { key: null, headers: { cookie } });

  it("lists only the links the key may see, and answers a hidden link's pages as missing", async () => {
    const [mine, theirs] = [uniqueHost("dash"), uniqueHost("dash")];
    for (const hostname of [mine, theirs]) expect((await call("POST", "/api/v1/domains", { body: { hostname } })).status).toBe(201);
    const tag = `dash-${crypto.randomUUID().slice(0, 8)}`;
    const visible = await createLink({ url: "https://example.com/visible", domain: mine, tags: [tag] });
    const hidden = await createLink({ url: "https://example.com/hidden", domain: theirs, tags: [tag] });
    const { key } = await mintRestrictedKey({ domains: [mine] });
    const cookie = cookiePair(await login(key));

    const list = await (await page(`/app/links?tag=${tag}`, cookie)).text();
    expect(list).toContain(visible.slug);
    expect(list).not.toContain(hidden.slug);
    const admin = await (await page(`/app/links?tag=${tag}`, cookiePair(await login(ADMIN_KEY)))).text();
    expect(admin).toContain(hidden.slug);
    for (const suffix of ["", "/edit", "/stats", "/qr.svg"]) {
      expect((await page(`/app/links/${hidden.slug}${suffix}?domain=${theirs}`, cookie)).status, suffix).toBe(404);
      expect((await page(`/app/links/${visible.slug}${suffix}?domain=${mine}`, cookie)).status, suffix).toBe(200);
    }
    // No Domains page for a key that is not an admin.
    expect(list).not.toContain('href="/app/domains"');
    for (const l of [visible, hidden]) expect((await call("DELETE", `/api/v1/links/${l.slug}?domain=${l.domain}`)).status).toBe(204);
  });
});
