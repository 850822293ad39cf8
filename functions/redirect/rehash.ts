/**
 * A password hash made with other parameters than a new one would be (PASSWORD_ITERATIONS, which follows from
 * PLAN, changed since), replaced at the next successful unlock: the only moment the password is at hand. After
 * the response (the visitor waits for nothing), through the links' write path: the row in Postgres, then the
 * link cache written through (functions/redirect/link-cache/), as the links API does after a change.
 */
import { replacePasswordHash } from "../../db/queries/links.ts";
import { hashPassword } from "../shared/password.ts";
import type { RequestServices } from "../shared/services.ts";
import { writeThrough, type CachedLink } from "./link-cache/index.ts";

export async function rehashPassword(
  s: RequestServices, ctx: { waitUntil(p: Promise<unknown>): void }, link: CachedLink, password: string,
): Promise<void> {
  const old = link.passwordHash;
  if (!old) return;
  const fresh = await hashPassword(password, s.config.PASSWORD_ITERATIONS);
  const row = await replacePasswordHash(s.db(), link.id, old, fresh);
  // No row: the password was changed (or the link deleted) meanwhile, and that write stands.
  if (row) await writeThrough(s.redis, ctx, [row]);
}
