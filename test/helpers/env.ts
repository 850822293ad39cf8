/**
 * The test run's settings, as the Worker gets them: the bindings `npm test` (dev/test.ts) hands to workerd,
 * parsed the way the Worker parses them, and the one way to change some of them.
 */
import { env } from "cloudflare:workers";
import { parseEnv, type Env } from "../../functions/shared/env.ts";

/** The raw bindings (secrets and vars) of this test run. */
export const bindings = env as unknown as Record<string, unknown>;

/** `bindings` parsed and validated, as the Worker sees them. */
export const config: Env = parseEnv(bindings);

/** ADMIN_API_KEY of this run (dev/test.ts sets it). */
export const ADMIN_KEY = config.ADMIN_API_KEY;

/**
 * The bindings with some settings replaced, as a fresh object, so the Worker parses it anew (parseEnv
 * memoizes by object). A setting given as `undefined` is left out, as if it were not set at all.
 */
export function withSettings(settings: Record<string, string | undefined> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...bindings };
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined) delete out[name];
    else out[name] = value;
  }
  return out;
}
