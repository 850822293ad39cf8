/**
 * What an API key may do, read from Postgres: authentication makes a request's principal this way, and a
 * background import re-reads the principal of the key that sent it before each chunk (functions/imports/jobs.ts).
 */
import type { Db } from "../../../db/client.ts";
import { findActiveKey } from "../../../db/queries/api-keys.ts";
import { isScope, type Principal } from "./scopes.ts";

/** The principal of the active key found by hash or id; undefined when there is none or it was revoked. */
export async function activeKeyPrincipal(db: Db, by: { hash: string } | { id: string }, opts: { lock?: boolean } = {}): Promise<Principal | undefined> {
  const row = await findActiveKey(db, by, opts);
  return row && { kind: "key", id: row.id, name: row.name, scopes: row.scopes.filter(isScope), domains: row.domains, ownLinksOnly: row.ownLinksOnly };
}
