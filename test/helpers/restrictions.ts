/**
 * Keys under each restriction of POST /api/v1/keys, and a link each may not see: for `domains`, a key limited
 * to one domain and a link on another; for `ownLinksOnly`, a key that sees its own links and a link the admin
 * made. The same restrictions on a person (kind "user": a signed-in editor) must act exactly alike, since a
 * person is one more kind of principal. The hidden link has one click rolled up in an hour of its own (far in the future, so no other test
 * writes there), which the stats routes must not show the key.
 */
import type { Scope } from "../../functions/shared/auth/scopes.ts";
import { createLink } from "./api.ts";
import { withDb } from "./db.ts";
import { uniqueHost } from "./domains.ts";
import { signedInPerson } from "./people.ts";
import { rollUpClicks } from "./rollups.ts";
import { call } from "./worker.ts";

export const restrictions = ["domains", "ownLinksOnly"] as const;
export type Restriction = (typeof restrictions)[number];

export interface RestrictedWorld {
  restriction: Restriction;
  /**
   * A key with links:read, links:write and analytics:read under the restriction, or (kind "user") the session
   * token of an editor (the same scopes) under it.
   */
  key: string;
  /** The domain it may use (domains), or null. */
  visibleDomain: string | null;
  /** A link it may not see, as the admin sees it (`domain` is its hostname). */
  hidden: { id: string; slug: string; domain: string; [field: string]: unknown };
  /** from, to and interval of the hour that holds the hidden link's click. */
  statsRange: string;
}

export const RESTRICTED_SCOPES: Scope[] = ["links:read", "links:write", "analytics:read"];

export async function mintRestrictedKey(body: { domains?: string[]; ownLinksOnly?: boolean }, scopes = RESTRICTED_SCOPES) {
  const res = await call("POST", "/api/v1/keys", { body: { name: "restricted", scopes, ...body } });
  if (res.status !== 201) throw new Error(`minting a restricted key: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; key: string; domains: string[] | null; ownLinksOnly: boolean };
}

async function addDomain(): Promise<string> {
  const hostname = uniqueHost("rs");
  const res = await call("POST", "/api/v1/domains", { body: { hostname } });
  if (res.status !== 201) throw new Error(`adding a domain: ${res.status}`);
  return hostname;
}

/** A random UTC hour between the years 2300 and 2900. */
function lonelyHour(): Date {
  const from = Date.UTC(2300, 0, 1);
  const hours = Math.floor((Date.UTC(2900, 0, 1) - from) / 3_600_000);
  return new Date(from + Math.floor(Math.random() * hours) * 3_600_000);
}

export type PrincipalKind = "key" | "user";

/** A key or a person (an editor: RESTRICTED_SCOPES) under the restriction `body`; its bearer token. */
async function restrictedCaller(kind: PrincipalKind, body: { domains?: string[]; ownLinksOnly?: boolean }, storedDomains?: string[]) {
  if (kind === "key") return (await mintRestrictedKey(body)).key;
  return (await signedInPerson("editor", { domains: storedDomains ?? null, ownLinksOnly: body.ownLinksOnly })).token;
}

export async function restrictedWorld(restriction: Restriction, kind: PrincipalKind = "key"): Promise<RestrictedWorld> {
  let key: string;
  let hidden: RestrictedWorld["hidden"];
  let visibleDomain: string | null = null;
  if (restriction === "domains") {
    visibleDomain = await addDomain();
    const other = await addDomain();
    key = await restrictedCaller(kind, { domains: [visibleDomain] }, [visibleDomain]);
    hidden = await createLink({ url: "https://example.com/hidden", domain: other });
  } else {
    key = await restrictedCaller(kind, { ownLinksOnly: true });
    hidden = await createLink({ url: "https://example.com/hidden" });
  }
  const hour = lonelyHour();
  await withDb((db) => rollUpClicks(db, [{ linkId: hidden.id, ts: new Date(hour.getTime() + 60_000), visitor: "v-hidden" }]));
  const statsRange = `from=${hour.toISOString()}&to=${new Date(hour.getTime() + 3_600_000).toISOString()}&interval=hour`;
  return { restriction, key, visibleDomain, hidden, statsRange };
}
