/**
 * GET /robots.txt of a domain, as Shlink serves it: every crawlable link allowed by its path, everything else
 * disallowed. Short links are redirects, not pages: by default no crawler should follow them.
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { selectCrawlableSlugs } from "../../db/queries/links.ts";
import type { AppEnv } from "../shared/app-env.ts";
import { problemContent } from "../shared/problem-schema.ts";
import { resolveDomain } from "./find-link.ts";
import { lookupServices, orUnavailable, storeUnavailable } from "./serve-link.ts";

/** Beyond this many crawlable links on one domain, the oldest are listed (robots.txt files are read up to ~500 KiB). */
const MAX_ALLOWED = 5_000;
const MEMO_MS = 60_000;

// Isolate-lifetime memo of each domain's file for a minute: robots.txt is fetched by strangers, and must not
// make each of their requests a Postgres query. Plain data, bounded, cleared whole when full; per
// configuration, like the link and domain caches (a test may point one isolate at another database).
const memos = new WeakMap<object, Map<string, { at: number; body: string }>>();

export const robotsRoute = createRoute({
  method: "get",
  path: "/robots.txt",
  tags: ["redirect"],
  summary: "Crawling rules of a domain: its crawlable links allowed, all else disallowed",
  responses: {
    200: { description: "robots.txt", content: { "text/plain": { schema: z.string() } } },
    503: { description: "Neither Redis nor Postgres answered", content: problemContent },
  },
});

export function robotsTxt(slugs: string[]): string {
  const allow = slugs.map((s) => `Allow: /${s}\n`).join("");
  return `# Short links of this domain that their owners made crawlable; nothing else.\n\nUser-agent: *\n${allow}Disallow: /\n`;
}

export function registerRobots(app: OpenAPIHono<AppEnv>) {
  app.openapi(robotsRoute, async (c) => {
    const s = lookupServices(c);
    const { domain } = await orUnavailable(resolveDomain(s, new URL(c.req.url)));
    const key = domain ?? "";
    let memo = memos.get(c.var.config);
    if (!memo) memos.set(c.var.config, (memo = new Map()));
    let hit = memo.get(key);
    if (!hit || Date.now() - hit.at > MEMO_MS) {
      if (memo.size >= 1_000) memo.clear();
      let slugs: string[];
      try {
        slugs = await selectCrawlableSlugs(c.var.db(), domain, MAX_ALLOWED);
      } catch (e) {
        console.error("robots.txt: crawlable links unavailable:", e instanceof Error ? e.message : e);
        throw storeUnavailable();
      }
      hit = { at: Date.now(), body: robotsTxt(slugs) };
      memo.set(key, hit);
    }
    return c.text(hit.body, 200, { "cache-control": "public, max-age=300" });
  });
}
