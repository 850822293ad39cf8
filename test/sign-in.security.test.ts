/**
 * Sign-in refusals, with the run's real identity provider in the loop (dev/oidc-provider.ts): ID tokens
 * forged, for another audience, with another nonce or expired (the provider's tamper switch spoils the next
 * one), a replayed code, a state that is not this browser's, an email outside the allowed domains, a
 * disabled person, and the session of a person removed since. Each is refused and changes nothing: no
 * person made or bound, no session.
 */
import { and, count, desc, eq, gt, inArray } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, users, userSessions } from "../db/schema.ts";
import { DEV_PEOPLE, TAMPER_MODES } from "../dev/oidc-people.ts";
import { newSessionToken } from "../functions/shared/auth/session-token.ts";
import { randomBase62, sha256Hex } from "../functions/shared/crypto.ts";
import { withDb } from "./helpers/db.ts";
import { withSettings } from "./helpers/env.ts";
import { callback, forgetDevPeople, setCookies, signInAtProvider, signInWithProvider, SSO_BASE, startSignIn } from "./helpers/oidc.ts";
import { call } from "./helpers/worker.ts";

const devEmails = Object.values(DEV_PEOPLE).map((p) => p.email);

/** What a refused sign-in must leave as it was: the development people and their sessions. */
const footprint = () =>
  withDb(async (db) => {
    const people = await db.select().from(users).where(inArray(users.email, devEmails)).orderBy(users.email);
    const [{ n }] = await db.select({ n: count() }).from(userSessions).innerJoin(users, eq(users.id, userSessions.userId)).where(inArray(users.email, devEmails));
    return { people, sessions: n };
  });
const auditHead = () => withDb(async (db) => (await db.select({ seq: auditLog.seq }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1))[0]?.seq ?? 0);
const auditSince = (since: number) => withDb((db) => db.select().from(auditLog).where(gt(auditLog.seq, since)).orderBy(auditLog.seq));

function refusedWithoutSession(res: Response) {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(setCookies(res).get("eatmyurl_session")).toBeUndefined();
}

beforeEach(forgetDevPeople);
afterAll(forgetDevPeople);

/** What the refusal names, per kind of spoilt ID token: the check that caught it. */
const CAUGHT_BY = { forged: /signature/i, audience: /"aud"/, nonce: /"nonce"/, expired: /"exp"/ } as const;

describe("sign-in refusals", () => {
  for (const mode of TAMPER_MODES) {
    it(`refuses an ID token that is ${mode === "forged" ? "signed with a key the provider never published" : mode === "audience" ? "issued to another client" : mode === "nonce" ? "for another nonce" : "expired"}`, async () => {
      const since = await auditHead();
      const { res } = await signInWithProvider("grace", { tamper: mode });
      refusedWithoutSession(res);
      expect(await footprint()).toEqual({ people: [], sessions: 0 });
      const entries = await auditSince(since);
      expect(entries.map((e) => e.action)).toEqual(["session.sign_in_failed"]);
      expect(entries[0].actor).toBeNull();
      expect((entries[0].after as { reason: string }).reason).toMatch(CAUGHT_BY[mode]);
    });
  }

  it("refuses a replayed code: the provider will not exchange it twice", async () => {
    const first = await signInWithProvider("grace");
    expect(first.res.status).toBe(200);
    const before = await footprint();
    const again = await callback(first.back, first.flowCookie);
    refusedWithoutSession(again);
    expect(await footprint()).toEqual(before);
  });

  it("refuses a callback whose state is not the one this browser was given, before asking the provider anything", async () => {
    const { authorize, flowCookie } = await startSignIn();
    const back = await signInAtProvider(authorize, "grace");
    const since = await auditHead();
    back.searchParams.set("state", "someone-elses-state");
    refusedWithoutSession(await callback(back, flowCookie));
    back.searchParams.set("state", authorize.searchParams.get("state")!);
    // Without the flow cookie (another browser: a login CSRF), the right state does not help either.
    refusedWithoutSession(await call("GET", back.href, { key: null }));
    expect(await footprint()).toEqual({ people: [], sessions: 0 });
    expect(await auditSince(since)).toEqual([]);
    // The code was never spent: the real browser can still finish (so nothing above reached the provider).
    expect((await callback(back, flowCookie)).status).toBe(200);
  });

  it("refuses a person outside the allowed domains who was not invited", async () => {
    const since = await auditHead();
    const { res } = await signInWithProvider("mallory");
    refusedWithoutSession(res);
    expect(res.status).toBe(403);
    expect(await footprint()).toEqual({ people: [], sessions: 0 });
    const [entry] = await auditSince(since);
    expect(entry).toMatchObject({ action: "session.sign_in_failed", actor: null, after: { email: DEV_PEOPLE.mallory.email, subject: "mallory" } });
  });

  it("refuses a disabled person, invited or known", async () => {
    await withDb((db) => db.insert(users).values({ id: "usr_adaDisabled00001", email: DEV_PEOPLE.ada.email, role: "owner", disabled: true }));
    const before = await footprint();
    refusedWithoutSession((await signInWithProvider("ada")).res);
    expect(await footprint()).toEqual(before); // the invitation was not bound to her subject either
  });

  it("refuses an invitation already bound to another account at the provider", async () => {
    await withDb((db) => db.insert(users).values({ id: "usr_adaBoundElsewher", email: DEV_PEOPLE.ada.email, role: "owner", issuer: "https://idp.example", subject: "someone" }));
    const before = await footprint();
    refusedWithoutSession((await signInWithProvider("ada")).res);
    expect(await footprint()).toEqual(before);
  });

  it("counts refused sign-ins against the address's failure budget: past it, a callback does not reach the provider", async () => {
    const bindings = withSettings({ AUTH_FAILURES_PER_MINUTE: "1" });
    const headers = { "cf-connecting-ip": `198.51.100.${Math.floor(Math.random() * 250) + 1}` };
    refusedWithoutSession((await signInWithProvider("mallory", { headers, bindings })).res);
    const { authorize, flowCookie } = await startSignIn();
    const back = await signInAtProvider(authorize, "grace");
    const since = await auditHead();
    const limited = await callback(back, flowCookie, { headers, bindings });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await auditSince(since)).toEqual([]);
    expect(await footprint()).toEqual({ people: [], sessions: 0 });
    // The code was not spent: from another address the same callback signs grace in.
    expect((await callback(back, flowCookie)).status).toBe(200);
  });

  it("ends the session of a person removed since: the next request is sent to sign in", async () => {
    const { session } = await signInWithProvider("grace");
    expect((await call("GET", `${SSO_BASE}/app/links`, { key: null, headers: { cookie: session! } })).status).toBe(200);
    await withDb((db) => db.delete(users).where(eq(users.email, DEV_PEOPLE.grace.email)));
    const res = await call("GET", `${SSO_BASE}/app/links`, { key: null, headers: { cookie: session! } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/app/login?done=session-expired");
  });

  it("ends the session of a person disabled since", async () => {
    const { session } = await signInWithProvider("grace");
    await withDb((db) => db.update(users).set({ disabled: true }).where(and(eq(users.email, DEV_PEOPLE.grace.email))));
    const res = await call("GET", `${SSO_BASE}/app/links`, { key: null, headers: { cookie: session! } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/app/login?done=session-expired");
  });
});

describe("a person's session token on the API (Authorization: Bearer ems_...)", () => {
  /** A person and a session made directly, so the test holds the token the cookie would seal. */
  async function personWithSession(role: string, session: { expiresInMs?: number } = {}) {
    const token = newSessionToken();
    const id = `usr_${randomBase62(16)}`;
    await withDb(async (db) => {
      await db.insert(users).values({ id, email: `${id.toLowerCase()}@api.test`, role });
      await db.insert(userSessions).values({ id: await sha256Hex(token), userId: id, expiresAt: new Date(Date.now() + (session.expiresInMs ?? 3600_000)) });
    });
    return { id, token };
  }
  const forget = (id: string) => withDb((db) => db.delete(users).where(eq(users.id, id)));

  it("acts with the person's role as it is now: a demotion takes effect at the next request", async () => {
    const { id, token } = await personWithSession("editor");
    // An empty create: past the scope check (editors write links), refused by validation; nothing is made.
    expect((await call("POST", "/api/v1/links", { key: token, body: {} })).status).toBe(400);
    await withDb((db) => db.update(users).set({ role: "viewer" }).where(eq(users.id, id)));
    expect((await call("POST", "/api/v1/links", { key: token, body: {} })).status).toBe(403);
    expect((await call("GET", "/api/v1/links", { key: token })).status).toBe(200);
    await forget(id);
    expect((await call("GET", "/api/v1/links", { key: token })).status).toBe(401);
  });

  it("refuses a revoked, an expired and an unknown session token", async () => {
    const revoked = await personWithSession("owner");
    await withDb(async (db) => db.update(userSessions).set({ revokedAt: new Date() }).where(eq(userSessions.userId, revoked.id)));
    const expired = await personWithSession("owner", { expiresInMs: -1000 });
    for (const token of [revoked.token, expired.token, newSessionToken()]) {
      const res = await call("GET", "/api/v1/links", { key: token });
      expect(res.status).toBe(401);
      expect((await res.json() as { detail: string }).detail).toBe("This session has ended or been revoked: sign in again.");
    }
    await Promise.all([forget(revoked.id), forget(expired.id)]);
  });
});
