/**
 * The blocklist as admins keep it (add, list a page at a time, remove; every change in the audit log), what its
 * rules match (an exact host, every name under a suffix, an IP address in any spelling, an international name
 * in either form), and Safe Browsing's verdict cache: a URL looked up once is not looked up again while its
 * verdict holds (the stand-in counts lookups). Any host typed, once normalised, is a rule that normalises to
 * itself and blocks the destinations it names (a property test).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeBlockRule } from "../functions/abuse/block-hosts.ts";
import { UNSAFE_DESTINATION } from "../functions/abuse/destination-checks.ts";
import { DomainFixtures } from "./helpers/domains.ts";
import { BlocklistFixtures, standInFlags, standInLookups, uniqueBlockHost } from "./helpers/blocklist.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const blocklist = new BlocklistFixtures();
// Every link of this file is made on a domain of its own, which cleanup() removes with them.
const d = new DomainFixtures();
let domain: string;
beforeAll(async () => {
  domain = (await d.add()).hostname;
});
afterAll(async () => {
  await blocklist.cleanup();
  await d.cleanup();
});

const create = (url: string, more: object = {}) => call("POST", "/api/v1/links", { body: { url, slug: uniqueSlug("abuse"), domain, ...more } });
async function createLink(body: { url: string; rules?: unknown }) {
  const res = await create(body.url, body);
  expect(res.status).toBe(201);
}
async function expectBlocked(url: string) {
  const res = await create(url);
  expect([res.status, url]).toEqual([422, url]);
  expect(await res.json()).toMatchObject({ type: UNSAFE_DESTINATION, source: "blocklist" });
}
async function expectAllowed(url: string) {
  const res = await create(url);
  expect([res.status, url]).toEqual([201, url]);
}

describe("the blocklist routes", () => {
  it("add a rule normalised (201), list it, log it, and remove it (204): links may point there again", async () => {
    const host = uniqueBlockHost();
    const res = await call("POST", "/api/v1/blocklist", { body: { host: `${host.toUpperCase()}.` } });
    expect(res.status).toBe(201);
    const entry = (await res.json()) as any;
    blocklist.track(entry.host);
    expect(entry).toMatchObject({ host, kind: "exact", createdBy: null });
    expect(res.headers.get("location")).toBe(`/api/v1/blocklist/${host}`);
    await expectBlocked(`https://${host}/page`);

    const audit = (await (await call("GET", `/api/v1/audit?target=${encodeURIComponent(`blocklist:${host}`)}`)).json()) as any;
    expect(audit.data.map((e: any) => e.action)).toEqual(["blocklist.added"]);

    expect((await call("DELETE", `/api/v1/blocklist/${host}`)).status).toBe(204);
    await expectAllowed(`https://${host}/page`);
    const after = (await (await call("GET", `/api/v1/audit?target=${encodeURIComponent(`blocklist:${host}`)}`)).json()) as any;
    expect(after.data.map((e: any) => e.action)).toEqual(["blocklist.removed", "blocklist.added"]);
  });

  it("list every rule a page at a time, in host order, with a cursor", async () => {
    const prefix = uniqueBlockHost("page");
    const hosts = ["a", "b", "c", "d", "e"].map((l) => `${l}.${prefix}`);
    for (const h of hosts) await blocklist.add(h);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call("GET", `/api/v1/blocklist?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as any;
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((e: any) => e.host));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10_000);
    const mine = seen.filter((h) => h.endsWith(prefix));
    expect(mine).toEqual(hosts);
    expect([...seen].sort()).toEqual(seen);
  });
});

describe("what a rule matches", () => {
  it("a suffix rule blocks every name under it, at any depth, but not the name itself nor a look-alike", async () => {
    const base = uniqueBlockHost("sfx");
    const entry = await blocklist.add(`*.${base}`);
    expect(entry).toMatchObject({ host: `*.${base}`, kind: "suffix" });
    for (const url of [`https://a.${base}/`, `http://x.y.${base.toUpperCase()}./p?q=1`, `https://www.${base}:8443/`]) await expectBlocked(url);
    for (const url of [`https://${base}/`, `https://not${base}/`, `https://${base}.example/`]) await expectAllowed(url);
  });

  it("an IP address is blocked however the destination writes it", async () => {
    // Addresses of documentation ranges, unique to this file (one /24 and one /64 picked at random).
    const n = Math.floor(Math.random() * 254) + 1;
    await blocklist.add(`198.51.100.${n}`);
    const hex = n.toString(16);
    const spellings = [`http://198.51.100.${n}/`, `http://0xc6.0x33.0x64.0x${hex}/`, `http://${((198 * 256 + 51) * 256 + 100) * 256 + n}/`, `http://198.51.${100 * 256 + n}/`];
    for (const url of spellings) await expectBlocked(url);
    const v6 = `2001:db8:${hex}::1`;
    await blocklist.add(v6);
    for (const url of [`http://[2001:db8:${hex}::1]/`, `http://[2001:0DB8:${hex.padStart(4, "0")}:0:0:0:0:1]:81/x`]) await expectBlocked(url);
    await expectAllowed(`http://[2001:db8:${hex}::2]/`);
  });

  it("an international name is one rule in either form", async () => {
    const base = uniqueBlockHost("idn");
    const entry = await blocklist.add(`bücher.${base}`);
    expect(entry.host).toBe(`xn--bcher-kva.${base}`);
    await expectBlocked(`https://BÜCHER.${base}/`);
    await expectBlocked(`https://xn--bcher-kva.${base}/`);
  });

  it("any typed host normalises to a rule that normalises to itself and blocks the destinations it names", async () => {
    const label = fc.stringMatching(/^[a-zA-Z0-9-]{1,12}$/).filter((l) => !l.startsWith("-") && !l.endsWith("-"));
    const unicode = fc.constantFrom("ü", "é", "ß", "я", "中");
    const typed = fc.tuple(fc.boolean(), fc.array(fc.tuple(label, fc.option(unicode, { nil: undefined })), { minLength: 1, maxLength: 3 }), fc.boolean());
    const base = uniqueBlockHost("prop");
    await fc.assert(
      fc.asyncProperty(typed, async ([suffix, labels, dot]) => {
        const name = `${labels.map(([l, u]) => `${l}${u ?? ""}`).join(".")}.${base}`;
        const raw = `${suffix ? "*." : ""}${name}${dot ? "." : ""}`;
        const rule = normalizeBlockRule(raw);
        expect(rule.ok).toBe(true);
        if (!rule.ok) return;
        expect(rule.host).toBe(rule.host.toLowerCase());
        expect(rule.host.endsWith(".")).toBe(false);
        expect(normalizeBlockRule(rule.host)).toEqual(rule);
        // The rule blocks the destination it names: the name itself, or a name under it.
        const res = await call("POST", "/api/v1/blocklist", { body: { host: raw } });
        expect([201, 409]).toContain(res.status);
        if (res.status === 201) blocklist.track(rule.host);
        const target = suffix ? `https://sub.${name}/` : `https://${name}/`;
        await expectBlocked(target);
      }),
      { numRuns: 15 },
    );
    // Garbage in: refused as a value, never thrown.
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      const r = normalizeBlockRule(s);
      if (r.ok) expect(normalizeBlockRule(r.host)).toEqual(r);
    }), { numRuns: 500 });
  });
});

describe("Google Safe Browsing's verdicts", () => {
  it("are cached: a second write of the same URL makes no lookup, a fragment aside", async () => {
    const url = `https://example.com/cached/${uniqueSlug("sb")}`;
    await createLink({ url });
    expect(await standInLookups(url)).toBe(1);
    await createLink({ url: `${url}#part` });
    await createLink({ url, rules: [{ url, conditions: [{ type: "device", matchValue: "ios" }] }] });
    expect(await standInLookups(url)).toBe(1);
  });

  it("an unsafe verdict is cached too, and a bulk of many URLs is one MGET and lookups of up to 500", async () => {
    const flagged = `https://example.com/bad/${uniqueSlug("sb")}`;
    await standInFlags(flagged, "SOCIAL_ENGINEERING");
    for (let i = 0; i < 2; i++) {
      const res = await create(flagged);
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ source: "Google Safe Browsing", errors: [{ path: "url", message: "is flagged by Google Safe Browsing as SOCIAL_ENGINEERING" }] });
    }
    expect(await standInLookups(flagged)).toBe(1);
    const base = `https://example.com/many/${uniqueSlug("sb")}`;
    const res = await call("POST", "/api/v1/links/bulk", { body: { links: Array.from({ length: 600 }, (_, i) => ({ url: `${base}/${i}`, domain })) } });
    const { results } = (await res.json()) as any;
    expect(results.every((r: any) => r.ok)).toBe(true);
    expect([await standInLookups(`${base}/0`), await standInLookups(`${base}/599`)]).toEqual([1, 1]);
    await call("POST", "/api/v1/links/bulk", { body: { links: Array.from({ length: 600 }, (_, i) => ({ url: `${base}/${i}`, domain })) } });
    expect([await standInLookups(`${base}/0`), await standInLookups(`${base}/599`)]).toEqual([1, 1]);
  });
});
