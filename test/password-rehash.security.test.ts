/**
 * Password hashing parameters follow PLAN (PASSWORD_ITERATIONS: a check must fit Workers Free's 10 ms of CPU,
 * docs/security.md). A hash made with other parameters still unlocks, and is replaced at that unlock, in
 * Postgres and in the link cache; a wrong password changes nothing, a password changed meanwhile stays.
 */
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { links } from "../db/schema.ts";
import { PLAN_DEFAULTS } from "../functions/shared/plan.ts";
import { hashParameters, hashPassword, needsRehash, verifyPassword } from "../functions/shared/password.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { withDb } from "./helpers/db.ts";
import { config, withSettings } from "./helpers/env.ts";
import { redis } from "./helpers/redis.ts";
import { Fixtures, human, humanForm } from "./helpers/redirect.ts";
import { call } from "./helpers/worker.ts";

const f = new Fixtures();
afterAll(() => f.cleanup());

const storedHash = async (id: string) =>
  withDb(async (db) => (await db.select({ h: links.passwordHash }).from(links).where(eq(links.id, id)))[0].h!);
const cachedHash = async (slug: string) => ((await redis.get(redisKeys.link(slug))) as { passwordHash: string } | null)?.passwordHash;

describe("PASSWORD_ITERATIONS", () => {
  it("follows PLAN, and a setting of its own wins", () => {
    expect(config.PASSWORD_ITERATIONS).toBe(PLAN_DEFAULTS.paid.PASSWORD_ITERATIONS);
    expect(PLAN_DEFAULTS.free.PASSWORD_ITERATIONS).toBeLessThan(PLAN_DEFAULTS.paid.PASSWORD_ITERATIONS);
  });

  it("a hash names its parameters: it needs a rehash exactly when they differ from the current ones", async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1000, max: 20_000 }), fc.integer({ min: 1000, max: 20_000 }), async (made, now) => {
      const h = await hashPassword("pw", made);
      expect(hashParameters(h)).toEqual({ scheme: "pbkdf2-sha256", iterations: made });
      expect(needsRehash(h, now)).toBe(made !== now);
      expect(await verifyPassword("pw", h)).toBe(true);
    }), { numRuns: 15 });
  });

  it("anything else is no hash of ours: it verifies nothing", async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 80 }), async (s) => {
      fc.pre(hashParameters(s) === null);
      expect(await verifyPassword("pw", s)).toBe(false);
    }), { numRuns: 100 });
  });
});

describe("an unlock of a hash made with other parameters", () => {
  it("rehashes it with PASSWORD_ITERATIONS, in Postgres and in the link cache; the next unlock leaves it", async () => {
    const link = await f.link({ url: "https://dest.example/rehash", passwordHash: await hashPassword("open sesame", 1000) });
    // The form first: its lookup fills the link cache, so the rehash's write-through is the only cache write of
    // the unlock (a fill racing it ends with no entry at all, never a stale one, which this test would not see).
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(200);
    const res = await call("POST", `/${link.slug}`, humanForm("password=open+sesame"));
    expect(res.status).toBe(303);
    const now = await storedHash(link.id);
    expect(hashParameters(now)?.iterations).toBe(config.PASSWORD_ITERATIONS);
    expect(await verifyPassword("open sesame", now)).toBe(true);
    expect(await cachedHash(link.slug)).toBe(now);

    expect((await call("POST", `/${link.slug}`, humanForm("password=open+sesame"))).status).toBe(303);
    expect(await storedHash(link.id)).toBe(now);
  });

  it("on PLAN=free rehashes down to the free plan's iterations, which then unlock", async () => {
    const link = await f.link({ url: "https://dest.example/free", passwordHash: await hashPassword("pw", 100_000) });
    const settings = withSettings({ PLAN: "free" });
    expect((await call("POST", `/${link.slug}`, { ...humanForm("password=pw"), bindings: settings })).status).toBe(303);
    const now = await storedHash(link.id);
    expect(hashParameters(now)?.iterations).toBe(PLAN_DEFAULTS.free.PASSWORD_ITERATIONS);
    expect((await call("POST", `/${link.slug}`, { ...humanForm("password=pw"), bindings: settings })).status).toBe(303);
  });

  it("a wrong password rehashes nothing", async () => {
    const old = await hashPassword("pw", 1000);
    const link = await f.link({ url: "https://dest.example/wrong", passwordHash: old });
    expect((await call("POST", `/${link.slug}`, humanForm("password=nope"))).status).toBe(401);
    expect(await storedHash(link.id)).toBe(old);
  });

  it("a password its owner changed meanwhile is kept: the rehash replaces only the hash it checked", async () => {
    const old = await hashPassword("pw", 1000);
    const link = await f.link({ url: "https://dest.example/changed", passwordHash: old });
    // The link cache still holds the old hash (as an isolate or Redis may, for a moment, after a change).
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(200);
    const changed = await hashPassword("new secret", 1000);
    await withDb((db) => db.update(links).set({ passwordHash: changed }).where(eq(links.id, link.id)));
    expect((await call("POST", `/${link.slug}`, humanForm("password=pw"))).status).toBe(303);
    expect(await storedHash(link.id)).toBe(changed);
  });
});
