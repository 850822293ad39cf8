/**
 * api_keys.last_used_at and users.last_seen_at: hints for people ("used 3 minutes ago"), not an audit log.
 */
import type { Context } from "hono";
import { touchKeyLastUsed } from "../../../db/queries/api-keys.ts";
import { touchUserLastSeen } from "../../../db/queries/user-sessions.ts";
import type { AppEnv } from "../app-env.ts";
import type { Principal } from "./scopes.ts";

/** How often last_used_at is written per key. */
const TOUCH_EVERY_MS = 60_000;
// Isolate-lifetime memo of when this isolate last wrote last_used_at per key, so an API request costs no
// extra write; bounded, and cleared whole when full (the worst case is one extra write per key).
const touched = new Map<string, number>();

/** Updates last_used_at (a person's last_seen_at) at most once a minute per principal and isolate, after the response. */
export function touchLastUsed(c: Context<AppEnv>, principal: Principal, now = Date.now()) {
  if (principal.id === "admin" || principal.id === "qstash" || now - (touched.get(principal.id) ?? 0) < TOUCH_EVERY_MS) return;
  if (touched.size >= 10_000) touched.clear();
  touched.set(principal.id, now);
  // Started now (drizzle queries are lazy until then-ed), so it holds its connection before the pool is ended
  // (in waitUntil, by the services middleware); pool.end() lets an active query finish.
  const touch = principal.kind === "user" ? touchUserLastSeen : touchKeyLastUsed;
  const write = touch(c.var.db(), principal.id).then(
    () => {},
    (e: unknown) => console.error(`last seen of ${principal.kind} ${principal.id} not written:`, e instanceof Error ? e.message : e),
  );
  c.executionCtx.waitUntil(write);
}
