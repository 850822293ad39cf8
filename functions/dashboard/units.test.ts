/** Unit tests of the dashboard's pure pieces: zone math, form <-> API body, QR codes, session sealing. */
import { decode } from "fast-png";
import { describe, expect, it } from "vitest";
import type { Env } from "../shared/env.ts";
import { createBody, fieldErrors, patchBody, readLinkForm } from "./forms.ts";
import { qrPng, qrSvg } from "./qr.ts";
import { openSession, sealSession } from "./session.ts";
import { parseWallTime, resolveRange, toWallInput } from "./time.ts";

describe("time zones", () => {
  it("reads wall times in a zone, across a daylight-saving change", () => {
    expect(parseWallTime("2025-03-29T12:00", "Europe/Paris")!.toISOString()).toBe("2025-03-29T11:00:00.000Z");
    expect(parseWallTime("2025-03-30T12:00", "Europe/Paris")!.toISOString()).toBe("2025-03-30T10:00:00.000Z");
    expect(parseWallTime("2025-03-30", "Asia/Kolkata")!.toISOString()).toBe("2025-03-29T18:30:00.000Z");
    expect(parseWallTime("not a date", "UTC")).toBeNull();
    expect(toWallInput("2025-03-30T10:00:00.000Z", "Europe/Paris")).toBe("2025-03-30T12:00");
  });

  it("makes a custom range of whole days in the zone, both ends included", () => {
    const r = resolveRange({ range: "custom", from: "2025-03-29", to: "2025-03-30" }, "Europe/Paris");
    expect(r.from.toISOString()).toBe("2025-03-28T23:00:00.000Z");
    expect(r.to.toISOString()).toBe("2025-03-30T22:00:00.000Z"); // midnight after the 30th, summer time
    expect(r.interval).toBe("hour");
    expect(r.errors).toEqual({});
  });

  it("names the custom days that do not parse, and picks presets safely", () => {
    expect(resolveRange({ range: "custom", from: "2025-13-45x" }, "UTC").errors).toEqual({
      from: "Pick the first day of the range.", to: "Pick the last day of the range.",
    });
    const now = Date.parse("2025-06-01T00:00:00Z");
    const r = resolveRange({ range: "90d" }, "UTC", now);
    expect(r.to.getTime() - r.from.getTime()).toBe(90 * 86400_000);
    expect(r.interval).toBe("day");
    expect(resolveRange({ range: "constructor" }, "UTC", now).range).toBe("7d");
  });
});

describe("forms", () => {
  it("sends only what was filled in on create, in the API's types", () => {
    const f = readLinkForm({ url: " https://a.example ", slug: "", tags: "a, b ,, c", maxClicks: "5", expiresAt: "2030-01-01T10:00", redirectType: "301" });
    expect(createBody(f, "Europe/Paris")).toEqual({
      url: "https://a.example", tags: ["a", "b", "c"], maxClicks: 5, expiresAt: "2030-01-01T09:00:00.000Z", redirectType: 301,
    });
  });

  it("clears emptied fields on edit, and touches the password only when asked", () => {
    const body = patchBody(readLinkForm({ url: "https://a.example", redirectType: "302" }), "UTC");
    expect(body).toEqual({ url: "https://a.example", title: null, tags: [], expiresAt: null, maxClicks: null, fallbackUrl: null, redirectType: 302 });
    expect(patchBody(readLinkForm({ url: "x", removePassword: "on", password: "p" }), "UTC").password).toBeNull();
    expect(patchBody(readLinkForm({ url: "x", password: "new" }), "UTC").password).toBe("new");
  });

  it("passes values it cannot convert through as typed, for the API to explain", () => {
    expect(createBody(readLinkForm({ url: "u", maxClicks: "1.5", expiresAt: "soon" }), "UTC")).toMatchObject({ maxClicks: "1.5", expiresAt: "soon" });
  });

  it("puts each API error beside its field, and the rest in the form's message", () => {
    const errors = fieldErrors(
      { type: "t", title: "Bad Request", status: 400, detail: "The request is not valid: see errors.", errors: [
        { path: "url", message: "must be http or https" }, { path: "tags.1", message: "too long" }, { path: "(root)", message: "unknown field" },
      ] },
      ["url", "tags"],
    );
    expect(errors).toEqual({ url: "must be http or https", tags: "too long", "": "The request is not valid: see errors. unknown field" });
    const mapped = fieldErrors({ type: "t", title: "t", status: 400, detail: "see errors", errors: [{ path: "url", message: "bad" }] }, ["url"]);
    expect(mapped[""]).toBe("Check the fields marked below.");
  });
});

describe("QR codes", () => {
  it("draws a PNG with a quiet zone and finder patterns, and an SVG", () => {
    const png = decode(qrPng("https://sho.rt/abc1234"));
    expect(png.width).toBe(png.height);
    expect(png.channels).toBe(1);
    const modules = png.width / 8;
    const at = (mx: number, my: number) => png.data[(my * 8 + 4) * png.width + mx * 8 + 4];
    expect(at(0, 0)).toBe(255); // quiet zone
    // The three finder patterns (7x7, 4 modules in): dark rim, light ring, dark centre.
    for (const [x, y] of [[4, 4], [modules - 11, 4], [4, modules - 11]]) {
      expect([at(x, y), at(x + 1, y + 1), at(x + 3, y + 3), at(x + 6, y + 6)]).toEqual([0, 255, 0, 0]);
    }
    expect(qrSvg("https://sho.rt/abc1234")).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*>.*<path/);
  });
});

describe("session cookie sealing", () => {
  const config = { ADMIN_API_KEY: "unit-admin-key-0123456789" } as Env;
  const session = { key: "secret-key-value", scopes: ["links:read" as const], exp: Math.floor(Date.now() / 1000) + 60 };

  it("round-trips, never shows the key, and refuses expired or altered values", async () => {
    const sealed = await sealSession(config, session);
    expect(sealed).not.toContain("secret-key-value");
    expect(await openSession(config, sealed)).toEqual(session);
    expect(await openSession(config, sealed, (session.exp + 1) * 1000)).toBeNull();
    expect(await openSession(config, sealed.slice(0, -2) + (sealed.endsWith("AA") ? "BB" : "AA"))).toBeNull();
    expect(await openSession({ ...config, SESSION_SECRET: "x".repeat(32) }, sealed)).toBeNull();
  });
});
