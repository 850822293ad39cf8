/**
 * The checks of every destination a link write sets (its url, fallbackUrl, and the URLs of its rules and
 * variants: each is somewhere a visitor can be sent): the blocklist, then Google Safe Browsing when it is
 * configured. Create, patch, bulk, import and the Shlink face's writes all come here, so they cannot disagree.
 *
 * Cost (docs/abuse.md): the blocklist rides on the statement the write makes anyway (servedAndBlocked in
 * functions/api/links/served-hosts.ts); Safe Browsing is one Redis MGET for all the destinations of the
 * request, and only for those not cached, one lookup per 500 and a pipeline of SETs.
 */
import type { Env } from "../shared/env.ts";
import { problem, type Problem } from "../shared/errors.ts";
import { createRedis } from "../shared/redis.ts";
import { destinationHost, rulesMatching } from "./block-hosts.ts";
import { safeBrowsingVerdicts } from "./safe-browsing.ts";

/** The problem type of a refused destination. */
export const UNSAFE_DESTINATION = "https://eatmyurl.dev/problems/unsafe-destination";
export const BLOCKLIST_SOURCE = "blocklist";
export const SAFE_BROWSING_SOURCE = "Google Safe Browsing";

/** A destination of a link body, with the path of its field (`url`, `rules.2.url`, ...). */
export interface CheckedDestination {
  path: string;
  url: string;
}

/** Every destination `input` sets (a field it leaves out or clears sets none). */
export function destinationsOf(input: {
  url?: string | null;
  fallbackUrl?: string | null;
  rules?: readonly { url: string }[] | null;
  variants?: readonly { url: string }[] | null;
}): CheckedDestination[] {
  const out: CheckedDestination[] = [];
  if (input.url) out.push({ path: "url", url: input.url });
  if (input.fallbackUrl) out.push({ path: "fallbackUrl", url: input.fallbackUrl });
  input.rules?.forEach((r, i) => out.push({ path: `rules.${i}.url`, url: r.url }));
  input.variants?.forEach((v, i) => out.push({ path: `variants.${i}.url`, url: v.url }));
  return out;
}

/** Every blocklist rule that would block one of these destinations: what servedAndBlocked asks Postgres about. */
export function blockRulesFor(items: readonly (readonly CheckedDestination[])[]): string[] {
  const rules = new Set<string>();
  for (const item of items) for (const d of item) for (const r of rulesMatching(destinationHost(d.url))) rules.add(r);
  return [...rules];
}

/** What the checks say of one write: its problem (nothing may be written), and whether to re-check it soon. */
export interface Screened {
  problem: Problem | null;
  /** Safe Browsing did not answer for some destination: the write goes on and the link's health check is due now. */
  recheck: boolean;
}

function unsafe(source: string, errors: { path: string; message: string }[]): Problem {
  const detail = `The destination is refused as unsafe by ${source === BLOCKLIST_SOURCE ? "the blocklist" : source}: ${errors.map((e) => `${e.path} ${e.message}`).join("; ")}.`;
  return { ...problem(422, detail, errors, UNSAFE_DESTINATION), title: "Unsafe destination", source };
}

/**
 * Screens the destinations of each write (one entry per write, same order). `blocked`: the rules of
 * blockRulesFor(items) that are on the blocklist. A write with a blocklisted destination is refused without a
 * lookup; the others' destinations go to Safe Browsing together.
 */
export async function screenDestinations(config: Env, items: readonly (readonly CheckedDestination[])[], blocked: ReadonlySet<string>): Promise<Screened[]> {
  const out: Screened[] = items.map((item) => {
    const errors = item.flatMap((d) => {
      const host = destinationHost(d.url);
      const rule = blocked.size ? rulesMatching(host).find((r) => blocked.has(r)) : undefined;
      if (!rule) return [];
      const how = rule === host ? `the host "${host}" is on it` : `the host "${host}" matches its rule "${rule}"`;
      return [{ path: d.path, message: `is refused by the ${BLOCKLIST_SOURCE}: ${how}` }];
    });
    return { problem: errors.length ? unsafe(BLOCKLIST_SOURCE, errors) : null, recheck: false };
  });
  if (!config.SAFE_BROWSING_API_KEY) return out;
  const asked = items.flatMap((item, i) => (out[i].problem ? [] : item.map((d) => d.url)));
  if (!asked.length) return out;
  const verdicts = await safeBrowsingVerdicts(config, createRedis(config), asked);
  items.forEach((item, i) => {
    if (out[i].problem) return;
    const errors: { path: string; message: string }[] = [];
    for (const d of item) {
      const v = verdicts.get(d.url);
      if (v?.status === "unsafe") errors.push({ path: d.path, message: `is flagged by ${SAFE_BROWSING_SOURCE} as ${v.threatType}` });
      else if (v?.status === "unknown") out[i].recheck = true;
    }
    if (errors.length) out[i] = { problem: unsafe(SAFE_BROWSING_SOURCE, errors), recheck: false };
  });
  return out;
}
