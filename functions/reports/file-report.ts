/**
 * Filing a report of a link: the one service behind the public form (GET/POST /report) and POST
 * /api/v1/reports. Anyone may report, so it is bounded per client (salted IP) and in total, and it only ever
 * inserts a report: nothing a reporter sends changes a link (docs/abuse.md).
 */
import type { Context } from "hono";
import { selectLinkBySlug } from "../../db/queries/links.ts";
import { insertReport } from "../../db/queries/reports.ts";
import type { AppEnv } from "../shared/app-env.ts";
import { ApiError } from "../shared/errors.ts";
import { bareHost } from "../shared/hostnames.ts";
import { checkRateLimit, rateLimitHeaders } from "../shared/rate-limit.ts";
import { isReservedSlug, SLUG_PATTERN } from "../shared/slugs.ts";
import { clientIp, ipHash } from "../shared/visitor.ts";
import { lookupDomains } from "../api/domains/resolve.ts";
import type { ReportInput } from "../api/reports/schemas.ts";
import { kickWebhooks } from "../webhooks/kick.ts";

type C = Context<AppEnv>;

/**
 * Files `input` and answers its id. 429 (with Retry-After) past REPORTS_PER_CLIENT for this client or
 * REPORTS_PER_HOUR for everyone. A report naming no link of this service is accepted all the same, with no
 * link: answering otherwise would tell strangers which slugs exist, and the admins still see what was sent.
 */
export async function fileReport(c: C, input: ReportInput): Promise<{ id: string }> {
  await reportBudget(c);
  const { target, linkId } = await reportedLink(c, input);
  const row = await insertReport(c.var.db(), {
    linkId, target, reason: input.reason, details: input.details || null, email: input.email || null,
  });
  kickWebhooks(c); // the report.created event, when some endpoint wants it
  return { id: String(row.id) };
}

/** The client's budget first: a client past its own limit must not use up everyone's. */
async function reportBudget(c: C): Promise<void> {
  const who = await ipHash(c.var.redis, Date.now(), clientIp(c.req.raw.headers));
  const client = await checkRateLimit(c, "reportClient", who);
  if (client && !client.success) {
    throw new ApiError(429, "You have sent several reports in a short time; try again later.", { headers: rateLimitHeaders(client) });
  }
  const all = await checkRateLimit(c, "reportTotal", "all");
  if (all && !all.success) {
    throw new ApiError(429, "Too many reports are arriving right now; try again later.", { headers: rateLimitHeaders(all) });
  }
}

/** What the reporter named, as text for the queue, and the link it is when it is one of ours. */
async function reportedLink(c: C, input: ReportInput): Promise<{ target: string; linkId: string | null }> {
  let host: string | undefined;
  let slug: string | undefined;
  if (input.slug !== undefined) {
    slug = input.slug;
    host = input.domain;
  } else {
    const named = parseShortUrl(input.url!);
    host = named?.host;
    slug = named?.slug;
  }
  const target = input.url ?? (input.domain ? `${input.domain}/${input.slug}` : input.slug!);
  if (slug === undefined || !SLUG_PATTERN.test(slug) || isReservedSlug(slug)) return { target, linkId: null };
  let domain = (await lookupDomains(c, [host])).get(host);
  // A host that is no domain of ours but the one this request came in on is served as the default domain.
  if (domain === undefined && host === bareHost(new URL(c.req.url).hostname)) domain = null;
  if (domain === undefined) return { target, linkId: null };
  const link = await selectLinkBySlug(c.var.db(), domain, slug);
  return { target, linkId: link?.id ?? null };
}

/** Host and slug of a short URL as people paste it: with or without its scheme; undefined when it is none. */
export function parseShortUrl(text: string): { host: string; slug: string } | undefined {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim()) ? text.trim() : `https://${text.trim()}`);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  let slug: string;
  try {
    slug = decodeURIComponent(url.pathname.slice(1));
  } catch {
    return undefined;
  }
  return { host: bareHost(url.hostname), slug };
}
