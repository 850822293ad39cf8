/**
 * Signing in through the identity provider, end to end over HTTP with the run's real provider
 * (dev/oidc-provider.ts): an invited owner takes up her invitation, a person of an allowed domain joins with
 * the default role, a known person is found again by subject, and signing out revokes the session.
 */
import { and, desc, eq, gt } from "drizzle-orm";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, users, userSessions } from "../db/schema.ts";
import { DEV_PEOPLE } from "../dev/oidc-people.ts";
import { withDb } from "./helpers/db.ts";
import { forgetDevPeople, ISSUER, signInWithProvider, SSO_BASE } from "./helpers/oidc.ts";
import { call } from "./helpers/worker.ts";

const personByEmail = (email: string) => withDb(async (db) => (await db.select().from(users).where(eq(users.email, email)))[0]);
const sessionsOf = (userId: string) => withDb((db) => db.select().from(userSessions).where(eq(userSessions.userId, userId)));
const lastAudit = (action: string, since: number) =>
  withDb(async (db) => (await db.select().from(auditLog).where(and(eq(auditLog.action, action), gt(auditLog.seq, since))).orderBy(desc(auditLog.seq)).limit(1))[0]);
const auditHead = () => withDb(async (db) => (await db.select({ seq: auditLog.seq }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1))[0]?.seq ?? 0);
const dashboard = (path: string, cookie: string) => call("GET", `${SSO_BASE}${path}`, { key: null, headers: { cookie } });

beforeEach(forgetDevPeople);
afterAll(forgetDevPeople);

describe("sign-in through the identity provider", () => {
  it("lets an invited owner take up her invitation: bound to her subject, a session that acts with her role", async () => {
    await withDb((db) => db.insert(users).values({ id: "usr_adaInvitedOwner1", email: DEV_PEOPLE.ada.email, role: "owner" }));
    const since = await auditHead();
    const { res, session } = await signInWithProvider("ada", { next: "/app/keys" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<meta http-equiv="refresh" content="0; url=/app/keys"');
    expect(res.headers.getSetCookie().find((c) => c.startsWith("eatmyurl_session="))).toMatch(/SameSite=Strict/);
    const ada = await personByEmail(DEV_PEOPLE.ada.email);
    expect(ada).toMatchObject({ id: "usr_adaInvitedOwner1", role: "owner", issuer: ISSUER, subject: "ada", name: DEV_PEOPLE.ada.name });
    expect(await sessionsOf(ada.id)).toHaveLength(1);
    expect(await lastAudit("session.signed_in", since)).toMatchObject({
      actor: { type: "user", id: ada.id, name: DEV_PEOPLE.ada.name }, target: `user:${ada.id}`, after: { how: "invitation", role: "owner" },
    });
    // The keys page is admin-only: it answers because the API accepted her session token with the owner's scopes.
    const keys = await dashboard("/app/keys", session!);
    expect(keys.status).toBe(200);
    expect(await keys.text()).toContain("Sign out");
  });

  it("lets a person of an allowed domain join with the default role (editor in the tests)", async () => {
    const { res, session } = await signInWithProvider("grace");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("url=/app/links");
    const grace = await personByEmail(DEV_PEOPLE.grace.email);
    expect(grace).toMatchObject({ role: "editor", issuer: ISSUER, subject: "grace", name: DEV_PEOPLE.grace.name, createdBy: null });
    expect(grace.id).toMatch(/^usr_[A-Za-z0-9]{16}$/);
    expect((await dashboard("/app/links", session!)).status).toBe(200);
    // An editor holds no admin scope: the API refuses the keys list, so the dashboard does not offer it.
    expect(await (await dashboard("/app/links", session!)).text()).not.toContain('href="/app/keys"');
  });

  it("finds a known person again by issuer and subject, with a new session each time", async () => {
    await signInWithProvider("grace");
    const again = await signInWithProvider("grace");
    expect(again.res.status).toBe(200);
    const grace = await personByEmail(DEV_PEOPLE.grace.email);
    expect(await sessionsOf(grace.id)).toHaveLength(2);
  });

  it("signing out revokes the session on the server: the same cookie no longer works", async () => {
    const { session } = await signInWithProvider("grace");
    const grace = await personByEmail(DEV_PEOPLE.grace.email);
    const since = await auditHead();
    const out = await call("POST", `${SSO_BASE}/app/logout`, { key: null, headers: { cookie: session!, origin: SSO_BASE } });
    expect(out.status).toBe(303);
    const [row] = await sessionsOf(grace.id);
    expect(row.revokedAt).not.toBeNull();
    expect(await lastAudit("session.signed_out", since)).toMatchObject({ actor: { type: "user", id: grace.id }, target: `user:${grace.id}` });
    const replay = await dashboard("/app/links", session!);
    expect(replay.status).toBe(303);
    expect(replay.headers.get("location")).toContain("/app/login");
  });

  it("records when a person was last seen using the dashboard", async () => {
    const { session } = await signInWithProvider("grace");
    const { id } = await personByEmail(DEV_PEOPLE.grace.email);
    const hourAgo = new Date(Date.now() - 3600_000);
    await withDb((db) => db.update(users).set({ lastSeenAt: hourAgo }).where(eq(users.id, id)));
    expect((await dashboard("/app/links", session!)).status).toBe(200);
    expect((await personByEmail(DEV_PEOPLE.grace.email)).lastSeenAt!.getTime()).toBeGreaterThan(hourAgo.getTime() + 3000_000);
  });

  it("offers the provider on the sign-in page, next to the API key form", async () => {
    const res = await call("GET", "/app/login?next=/app/stats", { key: null });
    const html = await res.text();
    expect(html).toContain(`href="/app/login/oidc?next=${encodeURIComponent("/app/stats")}"`);
    expect(html).toContain("Sign in with the development provider");
    expect(html).toContain('name="key"');
  });
});
