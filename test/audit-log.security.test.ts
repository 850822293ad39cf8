/**
 * Who reads the audit log: the admin scope only (the scope table, helpers/route-scopes.ts, covers the refusals,
 * a restricted key's included). A principal restricted to some domains or to its own links sees only the
 * entries about links it may see: no other link's, and nothing about domains, keys, tags or webhooks. API keys
 * with the admin scope cannot be restricted, so the reading is proven on the query GET /api/v1/audit runs,
 * with the scope of each restricted key (linkScopeOf), as it will apply to a restricted person.
 */
import { describe, expect, it } from "vitest";
import { listAudit } from "../db/queries/audit.ts";
import type { AuditRow } from "../db/schema.ts";
import { linkScopeOf } from "../functions/api/domains/resolve.ts";
import { createLink } from "./helpers/api.ts";
import { withDb } from "./helpers/db.ts";
import { restrictedWorld, restrictions } from "./helpers/restrictions.ts";
import { call } from "./helpers/worker.ts";

describe.each(restrictions)("a principal restricted by %s", (restriction) => {
  it("is refused the route as a key, and reads only the entries about links it may see", async () => {
    const w = await restrictedWorld(restriction);
    expect((await call("GET", "/api/v1/audit", { key: w.key })).status).toBe(403);

    const keyId = ((await (await call("GET", "/api/v1/keys")).json()) as { data: { id: string; prefix: string }[] }).data.find((k) =>
      w.key.startsWith(k.prefix),
    )!.id;
    const mine = await createLink({ url: "https://example.com/mine", ...(w.visibleDomain ? { domain: w.visibleDomain } : {}) }, w.key);
    const scope = linkScopeOf({
      kind: "key", id: keyId, name: "restricted", scopes: [], domains: w.visibleDomain ? [w.visibleDomain] : null, ownLinksOnly: restriction === "ownLinksOnly",
    });
    const entries = await withDb(async (db) => {
      const out: AuditRow[] = [];
      let beforeSeq: number | undefined;
      for (;;) {
        const p = await listAudit(db, { limit: 100, beforeSeq, scope });
        out.push(...p.rows);
        if (p.next === null) return out;
        beforeSeq = p.next;
      }
    });
    const targets = entries.map((e) => e.target);
    expect(targets).toContain(`link:${mine.id}`);
    expect(targets.every((t) => t?.startsWith("link:"))).toBe(true);
    expect(targets).not.toContain(`link:${w.hidden.id}`);
    // A filter naming the hidden link finds nothing; the unrestricted admin finds its entry.
    const named = await withDb((db) => listAudit(db, { limit: 10, target: `link:${w.hidden.id}`, scope }));
    expect(named.rows).toEqual([]);
    const admin = await call("GET", `/api/v1/audit?target=link:${w.hidden.id}`);
    expect(((await admin.json()) as { data: unknown[] }).data).toHaveLength(1);
  });
});
