/**
 * One visit of a short link, shared by GET/HEAD /{slug} and the password form's POST: find the link, apply its
 * rules (password, then expiry and click limit), answer, and capture the click after the response.
 *
 * Redis round trips before the answer: none on an isolate-cache hit of an ordinary link, one otherwise (the
 * link lookup). A maxClicks link adds its atomic claim: one round trip on an isolate hit, two on a miss,
 * because the counter is named by the link id that only the lookup reveals. Routing rules and variants add
 * none: they travel with the cached link (docs/routing.md).
 */
import type { Context } from "hono";
import type { AppEnv } from "../shared/app-env.ts";
import { ApiError } from "../shared/errors.ts";
import { checkRateLimit, peekRateLimit, rateLimitHeaders } from "../shared/rate-limit.ts";
import { needsRehash, verifyPassword } from "../shared/password.ts";
import { rehashPassword } from "./rehash.ts";
import { buildClickEvent, captureClick, newVisit, type Sent, type Visit } from "./capture.ts";
import { claimClick, type Claim } from "./click-limit.ts";
import { getDomainTable } from "./domain-cache.ts";
import { findLink, type DomainOf } from "./find-link.ts";
import { isLink, LinkStoreUnavailable, type CacheEntry, type CachedLink } from "./link-cache/index.ts";
import { passwordResponse, withheldResponse } from "./protected-pages.ts";
import { previewCardResponse } from "./preview-card.ts";
import { backTarget, disabledResponse, warningResponse } from "./abuse-pages.ts";
import { COMMON_HEADERS, forwardQuery, redirectTo } from "./respond.ts";
import type { RequestServices } from "../shared/services.ts";
import { chooseDestination, routingVisit, type ChosenBy } from "./routing/index.ts";
import { clientIp, ipHash } from "../shared/visitor.ts";

type C = Context<AppEnv>;

const NO_STORE = { ...COMMON_HEADERS, "cache-control": "no-store" };

export function notFound(slug?: string): ApiError {
  return new ApiError(404, slug ? `No link is at /${slug}.` : "This is not a short link.", { headers: NO_STORE });
}

export const storeUnavailable = () =>
  new ApiError(503, "The link store is unavailable right now; try again shortly.", {
    headers: { ...NO_STORE, "retry-after": "5" },
  });

/** Runs a lookup, answering 503 (never a 500) when neither Redis nor Postgres could answer it. */
export async function orUnavailable<T>(lookup: Promise<T>): Promise<T> {
  try {
    return await lookup;
  } catch (e) {
    if (e instanceof LinkStoreUnavailable) throw storeUnavailable();
    throw e;
  }
}

/** The services of the link and domain caches for this request. */
export function lookupServices(c: C): Parameters<typeof findLink>[0] & RequestServices {
  // One read of c.var: Hono builds a fresh object from its map on every access.
  const { config, redis, db, defer } = c.var;
  return { config, redis, db, defer, isolateSeconds: config.LINK_CACHE_SECONDS, beforePostgres: () => lookupBudget(c) };
}

/**
 * An unknown slug: 302 to the domain's notFoundRedirect when it has one, else 404. Reads the domain table
 * (this isolate's copy, usually), never on the way to a link.
 */
async function unknownSlug(c: C, domain: DomainOf, slug: string): Promise<Response> {
  const table = await orUnavailable(getDomainTable(lookupServices(c)));
  const target = domain === null ? table.defaultDomain.notFoundRedirect : table.custom[domain]?.notFoundRedirect;
  if (target) return redirectTo(302, target);
  throw notFound(slug);
}

/** `password` is undefined for GET/HEAD, the submitted value for the form's POST. */
export async function serveLink(c: C, slug: string, password?: string): Promise<Response> {
  const s = lookupServices(c);
  const { redis } = s;
  const url = new URL(c.req.url);
  const { domain, entry } = await orUnavailable<{ domain: DomainOf; entry: CacheEntry }>(findLink(s, url, slug));
  if (!isLink(entry)) return unknownSlug(c, domain, slug);
  const link = entry;
  const visit = newVisit(c.req.raw, url, slug);
  // Not yet valid: it answers as if it did not exist, as Shlink does (validSince), and no click is recorded.
  if (link.validSince !== undefined && link.validSince > visit.ts) return unknownSlug(c, domain, slug);
  // Disabled by an admin: 410 on every path, before anything about the link is decided (docs/abuse.md).
  // No click is recorded, as for an expired link without a fallback.
  const halt = link.halt;
  if (halt?.disabled) return disabledResponse(halt.disabled.reason, visit.request.method);
  const unlocking = password !== undefined;

  // One order for every protected link: the password first (an expired or exhausted link tells nothing,
  // not even that, before it is unlocked), then expiry and the click limit, then the destination (rules,
  // variants, url: sendToLink). A link-preview fetcher gets the link's card where a person would get the
  // password form, the withheld page or the destination (docs/previews.md); the card names no destination.
  if (link.passwordHash) {
    // A link under a warning shows no card: a card makes a link look trustworthy where it is shared.
    if (!unlocking) return (halt ? null : previewAnswer(s, visit, link)) ?? passwordResponse(200);
    const refused = await checkPassword(c, link, visit, password);
    if (refused) return refused;
  }

  if (link.expiresAt !== null && link.expiresAt <= visit.ts) return gone(s, link, visit, "This link has expired.");

  if (link.maxClicks !== null) {
    const consume = visit.classification.kind === "human";
    let claim: Claim;
    try {
      claim = await claimClick(redis, link.id, link.maxClicks, consume);
    } catch (e) {
      // Fail closed: serving without the counter could exceed the owner's limit (one-time links).
      console.error(`redirect: click limit of ${slug} unavailable:`, e instanceof Error ? e.message : e);
      throw new ApiError(503, "This link has a click limit that cannot be checked right now; try again shortly.", {
        headers: { ...NO_STORE, "retry-after": "5" },
      });
    }
    if (claim === "exhausted") return gone(s, link, visit, "This link has reached its click limit.");
    if (!consume) {
      // A HEAD, a bot or a link preview does not use up a click, so it must not learn where the link goes:
      // a one-time link would otherwise stay readable by `curl -I` and every crawler. It is still recorded.
      const card = halt ? null : previewAnswer(s, visit, link);
      if (card) return card;
      capture(s, visit, link.id, null);
      return withheldResponse();
    }
  }

  // A destination reported unsafe: a page instead of the redirect (after the password, so a protected link
  // still tells nothing before it is unlocked), for fetchers too, who get no destination and no card.
  if (halt?.warning !== undefined) return warned(s, visit, link, halt.warning);
  // After a POST, 303 makes the browser GET the destination; a 307/308 would re-post the password there.
  if (unlocking) return sendToLink(s, visit, link, 303);
  return previewAnswer(s, visit, link) ?? sendToLink(s, visit, link, link.redirectType);
}

/**
 * The link's preview card when it has one and the visit is a link-preview fetcher's, recorded as that
 * preview (without a destination: the card names none); null otherwise. Reuses the visit's classification
 * (made once, for the click event), so a link without a card costs one property read and no more.
 */
export function previewAnswer(s: RequestServices, visit: Visit, link: CachedLink): Response | null {
  const card = link.preview;
  if (card === undefined || visit.classification.reason !== "preview-fetcher") return null;
  capture(s, visit, link.id, null);
  return previewCardResponse(visit, card);
}


/**
 * Whether serveLink would send a visit of this link straight to its url with nothing checked on the way:
 * no password, no click limit, not expired, already valid, neither disabled nor warned about (the redirect's
 * fast path, fast-path.ts, serves only those; `halt` is one property read for an ordinary link).
 */
export function servedDirectly(link: CachedLink, ts: number): boolean {
  return (
    !link.passwordHash && link.maxClicks === null && link.halt === undefined && (link.expiresAt === null || link.expiresAt > ts) &&
    (link.validSince === undefined || link.validSince <= ts)
  );
}

/**
 * The warning page of a link whose destination was reported unsafe. A person gets the destination this visit
 * would have been sent to (rules, variants and query forwarding applied) behind "continue anyway"; a HEAD, a
 * bot or a link-preview fetcher gets the page without it (an unsafe destination is not handed to crawlers).
 * Recorded like the withheld page: a visit without a destination, since nobody was redirected.
 */
function warned(s: RequestServices, visit: Visit, link: CachedLink, warning: string): Response {
  capture(s, visit, link.id, null);
  const method = visit.request.method;
  if (visit.classification.kind !== "human") return warningResponse(warning, null, "about:blank", method); // HEAD included
  const chosen = !link.rules?.length && !link.variants?.length ? link.url : chooseDestination(link, routingVisit(visit)).url;
  const dest = link.forwardQuery === false ? chosen : forwardQuery(chosen, visit.url.search.slice(1));
  return warningResponse(warning, dest, backTarget(visit.request.headers.get("referer")), method);
}

const BY_URL: ChosenBy = Object.freeze({ kind: "url" });

/**
 * Redirects a visit to the link's destination for it: the first rule whose conditions all match, else a
 * variant, else the url (chooseDestination, on the cached link object so its compiled form is kept with the
 * cache entry). Password, expiry and the click limit are the caller's, before this. Both the app and the
 * fast path (fast-path.ts) come here, so routing is decided in one place. A link with neither rules nor
 * variants builds no routing visit at all: its only cost is the two property reads below.
 */
export function sendToLink(s: RequestServices, visit: Visit, link: CachedLink, status: Parameters<typeof redirectTo>[0]): Response {
  if (!link.rules?.length && !link.variants?.length) return sendTo(s, visit, link, link.url, BY_URL, status);
  const chosen = chooseDestination(link, routingVisit(visit));
  return sendTo(s, visit, link, chosen.url, chosen.chosenBy, status);
}

/**
 * Redirects to `destination` with the visit's query forwarded (unless the link turned that off), and captures
 * the click after the response. `chosenBy` is what chose the destination, null when routing did not run (the
 * fallback).
 */
export function sendTo(
  s: RequestServices, visit: Visit, link: CachedLink, destination: string, chosenBy: ChosenBy | null,
  status: Parameters<typeof redirectTo>[0],
): Response {
  const dest = link.forwardQuery === false ? destination : forwardQuery(destination, visit.url.search.slice(1));
  capture(s, visit, link.id, { dest, url: destination, by: chosenBy });
  return redirectTo(status, dest);
}

/** 429 once this visitor's lookups that reach Postgres exceed POSTGRES_LOOKUPS_PER_MINUTE. */
async function lookupBudget(c: C): Promise<void> {
  const who = await ipHash(c.var.redis, Date.now(), clientIp(c.req.raw.headers));
  const limit = await checkRateLimit(c, "postgresLookup", who);
  if (limit && !limit.success) {
    throw new ApiError(429, "Too many unknown short links from this address; try again later.", {
      headers: { ...NO_STORE, ...rateLimitHeaders(limit) },
    });
  }
}

/** Expired or out of clicks: the fallback when there is one (a click like any other), else 410. */
function gone(s: RequestServices, link: CachedLink, visit: Visit, detail: string): Response {
  if (!link.fallbackUrl) throw new ApiError(410, detail, { headers: NO_STORE });
  return sendTo(s, visit, link, link.fallbackUrl, null, visit.request.method === "POST" ? 303 : 302);
}

/**
 * After the response: build the event (visitor hash included) and add it to the isolate's click batch. Never
 * awaited by the visitor. This request's db and redis go along only for the case where it sends the batch.
 */
function capture({ config, redis, db, defer }: RequestServices, visit: Visit, linkId: string, sent: Sent | null) {
  defer(`click capture on /${visit.slug}`, async () => {
    const event = await buildClickEvent(redis, visit, linkId, sent);
    await captureClick(config, redis, db, event);
  });
}

/**
 * Wrong passwords are limited per link and salted visitor IP and per link over all visitors (sliding windows
 * of 15 minutes), checked before the deliberately slow PBKDF2 check and counted only when the password was
 * wrong, so unlocking never uses up an attempt. Returns the response to send, or null when the password is
 * right. If Redis cannot be asked, attempts are let through (logged): PBKDF2's cost still bounds guessing.
 * A right password whose hash was made with other parameters is rehashed after the response (rehash.ts).
 */
async function checkPassword(c: C, link: CachedLink, visit: Visit, password: string): Promise<Response | null> {
  const who = `${link.id}:${await ipHash(c.var.redis, visit.ts, visit.ip)}`;
  const [client, all] = await Promise.all([
    peekRateLimit(c, "passwordFailure", who),
    peekRateLimit(c, "passwordFailureLink", link.id),
  ]);
  const refused = [client, all].find((l) => l && !l.success);
  if (refused) {
    const seconds = Math.max(1, Math.ceil((refused.reset - Date.now()) / 1000));
    return passwordResponse(429, `Too many attempts. Try again in ${Math.ceil(seconds / 60)} minute(s).`, {
      "retry-after": String(seconds),
    });
  }
  if (await verifyPassword(password, link.passwordHash!)) {
    if (needsRehash(link.passwordHash!, c.var.config.PASSWORD_ITERATIONS)) {
      const s = lookupServices(c);
      s.defer(`password rehash of /${link.slug}`, () => rehashPassword(s, c.executionCtx, link, password));
    }
    return null;
  }
  await Promise.all([checkRateLimit(c, "passwordFailure", who), checkRateLimit(c, "passwordFailureLink", link.id)]);
  return passwordResponse(401, "That password is not right. Try again.");
}
