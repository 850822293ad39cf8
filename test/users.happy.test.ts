/**
 * The people routes: inviting, listing, changing and removing a person, each with its audit entry written in
 * the same transaction; a signed-in admin managing people; a person's restrictions shown as hostnames.
 */
import { desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, users } from "../db/schema.ts";
import { withDb } from "./helpers/db.ts";
import { uniqueHost } from "./helpers/domains.ts";
import { signedInPerson } from "./helpers/people.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const email = () => `${uniqueSlug("hp")}@Example.COM`;
const auditOf = (id: string) =>
  withDb((db) => db.select().from(auditLog).where(eq(auditLog.target, `user:${id}`)).orderBy(desc(auditLog.seq)));

describe("people", () => {
  it("invites, lists, changes and removes a person, each change in the audit log", async () => {
    const address = email();
    const res = await call("POST", "/api/v1/users", { body: { email: address, role: "editor", name: "Grace" } });
    expect(res.status).toBe(201);
    const user = (await res.json()) as any;
    expect(user).toEqual({
      id: expect.stringMatching(/^usr_[A-Za-z0-9]{16}$/), email: address.toLowerCase(), name: "Grace", role: "editor",
      domains: null, ownLinksOnly: false, disabled: false, createdAt: expect.any(String), lastSeenAt: null,
    });
    const list = (await (await call("GET", "/api/v1/users")).json()) as { data: any[] };
    expect(list.data).toContainEqual(user);

    const patched = await call("PATCH", `/api/v1/users/${user.id}`, { body: { role: "viewer", name: "Grace H." } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toEqual({ ...user, role: "viewer", name: "Grace H." });

    expect((await call("DELETE", `/api/v1/users/${user.id}`)).status).toBe(204);
    const after = (await (await call("GET", "/api/v1/users")).json()) as { data: any[] };
    expect(after.data.map((u) => u.id)).not.toContain(user.id);

    const audit = await auditOf(user.id);
    expect(audit.map((a) => a.action)).toEqual(["user.removed", "user.updated", "user.invited"]);
    for (const a of audit) expect(a.actor).toEqual({ type: "key", id: "admin", name: "ADMIN_API_KEY" });
    expect(audit[2].after).toEqual(user);
    expect(audit[1]).toMatchObject({ before: { role: "editor", name: "Grace" }, after: { role: "viewer", name: "Grace H." } });
    expect(audit[0].before).toMatchObject({ id: user.id, role: "viewer" });
  });

  it("lets a signed-in admin manage people, recorded as made by them", async () => {
    const admin = await signedInPerson("admin", { name: "Ada" });
    const res = await call("POST", "/api/v1/users", { key: admin.token, body: { email: email(), role: "viewer" } });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const [row] = await withDb((db) => db.select().from(users).where(eq(users.id, id)));
    expect(row.createdBy).toBe(admin.id);
    expect((await call("GET", "/api/v1/users", { key: admin.token })).status).toBe(200);
    expect((await call("PATCH", `/api/v1/users/${id}`, { key: admin.token, body: { disabled: true } })).status).toBe(200);
    const [entry] = await auditOf(id);
    expect(entry).toMatchObject({ action: "user.updated", actor: { type: "user", id: admin.id, name: "Ada" }, after: { disabled: true } });
  });

  it("restricts a person by domain and to their own links, shown as hostnames, and lifts it again", async () => {
    const hostname = uniqueHost("pp");
    expect((await call("POST", "/api/v1/domains", { body: { hostname } })).status).toBe(201);
    const res = await call("POST", "/api/v1/users", { body: { email: email(), role: "editor", domains: [hostname, "sho.rt"], ownLinksOnly: true } });
    expect(res.status).toBe(201);
    const user = (await res.json()) as any;
    expect(user).toMatchObject({ domains: [hostname, "sho.rt"], ownLinksOnly: true });
    const lifted = await call("PATCH", `/api/v1/users/${user.id}`, { body: { domains: null, ownLinksOnly: false } });
    expect(await lifted.json()).toMatchObject({ domains: null, ownLinksOnly: false });
    // Once lifted, the person may be made an admin (an admin cannot be restricted).
    expect((await call("PATCH", `/api/v1/users/${user.id}`, { body: { role: "admin" } })).status).toBe(200);
  });
});
