/**
 * The byte bounds of the ingest rest on what the capture lets a client put in a click: these check that the
 * capture clips to the limits the ingest assumes, and that no event within them makes a larger Redis
 * reply than MAX_EVENT_REPLY_BYTES, whatever characters it holds.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { CAPTURE_MAX_CHARS, DEFAULT_REDIS_BYTES, entryReplyBytes, MAX_EVENT_REPLY_BYTES, safeCount } from "../functions/ingest/limits.ts";
import { utf8Bytes } from "../functions/shared/bytes.ts";
import { CAPTURE_MAX_BYTES_LIMIT, encodeClickEntry } from "../functions/shared/click-event.ts";
import type { ClickEvent } from "../functions/shared/click-event.ts";
import { bindings } from "./helpers/env.ts";
import { Fixtures, human } from "./helpers/redirect.ts";
import { uid } from "./helpers/clicks.ts";
import { call } from "./helpers/worker.ts";

const f = new Fixtures();
afterEach(() => f.cleanup());

/** A Upstash REST call as the client makes it, answered as raw bytes. */
async function rest(command: (string | number)[]) {
  const res = await fetch(String(bindings.UPSTASH_REDIS_REST_URL), {
    method: "POST",
    headers: { authorization: `Bearer ${bindings.UPSTASH_REDIS_REST_TOKEN}` },
    body: JSON.stringify(command),
  });
  return { status: res.status, bytes: (await res.arrayBuffer()).byteLength };
}

describe("what a client can put in a click", () => {
  it("is clipped by the capture to the limits the ingest's byte bounds assume", async () => {
    const link = await f.link({ url: `https://example.com/?d=${"d".repeat(5000)}` });
    const long = "x".repeat(10_000);
    await call("GET", `/${link.slug}?q=${long}`, human({ "user-agent": `Mozilla/5.0 ${long}`, referer: `https://r.example/${long}` }));
    const [e] = await f.events(link.id);
    expect(e.ua!.length).toBe(CAPTURE_MAX_CHARS.ua);
    expect(e.referrer!.length).toBe(CAPTURE_MAX_CHARS.referrer);
    expect(e.query!.length).toBe(CAPTURE_MAX_CHARS.query);
    expect(e.dest!.length).toBe(CAPTURE_MAX_CHARS.dest);
    expect(e.chosenUrl!.length).toBe(CAPTURE_MAX_CHARS.chosenUrl);
    for (const [k, max] of Object.entries(CAPTURE_MAX_CHARS)) {
      const v = e[k as keyof ClickEvent];
      if (typeof v === "string") expect(v.length, k).toBeLessThanOrEqual(max);
    }
    expect(entryReplyBytes(JSON.stringify(e))).toBeLessThanOrEqual(MAX_EVENT_REPLY_BYTES);
  });

  it("never makes an entry's reply larger than MAX_EVENT_REPLY_BYTES, whatever its characters", () => {
    // Any code points, lone surrogates too, cut as the capture cuts (UTF-16 units).
    const text = (max: number) => fc.string({ unit: "binary", maxLength: max }).map((x) => x.slice(0, max));
    const c = CAPTURE_MAX_CHARS;
    const event = fc.record({
      id: text(c.id), linkId: text(c.linkId), slug: text(c.slug), ts: fc.maxSafeNat(), kind: text(c.kind),
      reason: text(c.reason), visitor: text(c.visitor), ua: text(c.ua), referrer: text(c.referrer), country: text(c.country),
      region: text(c.region), city: text(c.city), query: text(c.query), dest: text(c.dest), chosenUrl: text(c.chosenUrl),
      chosenBy: text(c.chosenBy),
    });
    fc.assert(fc.property(event, (e) => entryReplyBytes(JSON.stringify(e)) <= MAX_EVENT_REPLY_BYTES), { numRuns: 200 });
    // The characters that grow most, at every field's limit: exactly the bound.
    const worst = Object.fromEntries(Object.entries(c).map(([k, n]) => [k, "\u0001".repeat(n)]));
    expect(entryReplyBytes(JSON.stringify({ ...worst, ts: Number.MAX_SAFE_INTEGER }))).toBe(MAX_EVENT_REPLY_BYTES);
  });

  it("counts UTF-8 bytes as TextEncoder does", () => {
    const codePoint = fc.oneof(fc.integer({ min: 0, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff }));
    const text = fc.array(codePoint, { maxLength: 50 }).map((cps) => String.fromCodePoint(...cps));
    fc.assert(fc.property(text, (t) => utf8Bytes(t) === new TextEncoder().encode(t).length));
  });

  /** Bytes of the XRANGE reply, through the bridge, of `n` entries holding `e` (the stream is removed after). */
  async function replyBytesOf(e: string, n: number): Promise<number> {
    const key = `test:limits:${uid()}`;
    try {
      for (let i = 0; i < n; i++) expect((await rest(["XADD", key, "*", "e", e])).status).toBe(200);
      const reply = await rest(["XRANGE", key, "-", "+"]);
      expect(reply.status).toBe(200);
      return reply.bytes;
    } finally {
      await rest(["DEL", key]);
    }
  }

  it("a read of budget / MAX_EVENT_REPLY_BYTES of the largest one-click entries fits the budget through the Upstash REST API", async () => {
    const worst = Object.fromEntries(Object.entries(CAPTURE_MAX_CHARS).map(([k, n]) => [k, "\u0001".repeat(n)]));
    const budget = 1_000_000;
    const bytes = await replyBytesOf(JSON.stringify({ ...worst, ts: Number.MAX_SAFE_INTEGER }), Math.floor(budget / MAX_EVENT_REPLY_BYTES));
    expect(bytes).toBeLessThanOrEqual(budget);
    expect(bytes).toBeGreaterThan(budget * 0.8); // and the bound is not loose
  });

  it("a read of safeCount(budget) of the largest capture batches fits the budget through the Upstash REST API", async () => {
    // Quotes grow most in a batch: `"` is `\"` in the event's JSON and `\\\"` in the reply's.
    const quoted = Object.fromEntries(Object.entries(CAPTURE_MAX_CHARS).map(([k, n]) => [k, '"'.repeat(n)]));
    const event = JSON.stringify({ ...quoted, ts: Number.MAX_SAFE_INTEGER });
    const clicks: string[] = [];
    while (utf8Bytes(encodeClickEntry([...clicks, event])) <= CAPTURE_MAX_BYTES_LIMIT) clicks.push(event);
    const budget = DEFAULT_REDIS_BYTES;
    const bytes = await replyBytesOf(encodeClickEntry(clicks), safeCount(budget));
    expect(bytes).toBeLessThanOrEqual(budget);
    expect(bytes).toBeGreaterThan(budget * 0.75); // and the bound is not loose
  });
});
