/**
 * Blocklist rules of a test file's own (under .blocklist.test, unique per call, so no other file's links are
 * ever refused by them) and the stand-in for Google Safe Browsing (dev/safe-browsing-standin.ts).
 */
import { bindings } from "./env.ts";
import { call } from "./worker.ts";

/** A host no other test names: `blk-<8 hex>.blocklist.test`. */
export const uniqueBlockHost = (tag = "blk") => `${tag}-${crypto.randomUUID().slice(0, 8)}.blocklist.test`;

/** Tracks the rules a test file adds, so cleanup() removes them. */
export class BlocklistFixtures {
  private readonly rules = new Set<string>();

  async add(host: string): Promise<{ host: string; kind: string }> {
    const res = await call("POST", "/api/v1/blocklist", { body: { host } });
    if (res.status !== 201) throw new Error(`blocking ${host}: ${res.status} ${await res.text()}`);
    const entry = (await res.json()) as { host: string; kind: string };
    this.rules.add(entry.host);
    return entry;
  }

  /** Remembers a rule added otherwise (through the route under test). */
  track(host: string): void {
    this.rules.add(host);
  }

  async cleanup(): Promise<void> {
    for (const host of this.rules) await call("DELETE", `/api/v1/blocklist/${encodeURIComponent(host)}`);
    this.rules.clear();
  }
}

type Behaviour = "MALWARE" | "SOCIAL_ENGINEERING" | "UNWANTED_SOFTWARE" | "POTENTIALLY_HARMFUL_APPLICATION" | "fail" | "hang";

const control = () => {
  const url = bindings.SAFE_BROWSING_CONTROL_URL;
  if (typeof url !== "string" || !url) throw new Error("SAFE_BROWSING_CONTROL_URL is not set: run the tests with npm test");
  return url;
};

/**
 * Makes the stand-in answer for `url` (canonical: as new URL(url).href): flag it with a threat type, or make
 * any lookup that carries it fail (500) or hang. Per URL, so test files running beside this one are untouched.
 */
export async function standInFlags(url: string, behaviour: Behaviour): Promise<void> {
  const res = await fetch(`${control()}/flags`, { method: "POST", body: JSON.stringify({ url, behaviour }) });
  if (res.status !== 204) throw new Error(`stand-in: ${res.status} ${await res.text()}`);
}

/** How many lookups the stand-in has answered that carried `url` (failed and hanging ones included). */
export async function standInLookups(url: string): Promise<number> {
  const res = await fetch(`${control()}/lookups?url=${encodeURIComponent(url)}`);
  return ((await res.json()) as { lookups: number }).lookups;
}
