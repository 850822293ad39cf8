/**
 * Every Redis key and stream name the service uses, in one place. The link cache and the click stream are
 * shared by the redirect (writes), the API (write-through, invalidation) and the cron (reads).
 */
export const redisKeys = {
  /** JSON CachedLink, or the negative marker, with LINK_TTL_SECONDS / NEGATIVE_TTL_SECONDS: a default-domain link. */
  link: (slug: string) => `link:${slug}`,
  /**
   * The same for a link on any domain (null = the default). The default domain keeps link:{slug}, the key it had
   * before there were domains; a custom domain's is link:{hostname}/{slug} (a slug never holds a "/").
   */
  linkOn: (domain: string | null, slug: string) => `link:${linkCacheKey(domain, slug)}`,
  /** JSON of every domain's redirects (functions/redirect/domain-cache.ts), DOMAIN_TABLE_TTL_SECONDS. */
  domainTable: "domains:table",
  /**
   * JSON {aasa, assetLinks} of one domain (null = the default): its /.well-known/ association files as stored
   * (each the JSON text or null, so a domain without them is remembered too), APP_FILES_TTL_SECONDS
   * (functions/redirect/app-files.ts). Keyed by domain, not by request host: an unknown host is served as the
   * default domain and shares its key, so strangers cannot make keys. `@` never appears in a hostname.
   */
  appFiles: (domain: string | null) => `app-files:${domain ?? "@default"}`,
  /**
   * Integer: human clicks a link with maxClicks has served (functions/redirect/click-limit.ts claims each one
   * atomically against the limit). Its name is older than its role: it counted every link's humans once.
   */
  clickClaims: (linkId: string) => `clicks:humans:${linkId}`,
  /** Stream of ClickEvent entries, field "e" = JSON; read by the ingest consumer group. */
  clickStream: "clicks:stream",
  clickGroup: "ingest",
  /** Stream of entries that could not be ingested, fields "e" (original) and "reason". */
  deadLetters: "clicks:dead",
  /**
   * Stream of at most one entry, field "at" = epoch ms when Postgres work other than ingestion is next due
   * (functions/shared/work-due.ts): a stream so that ONE XREAD tells the cron about it and the click stream.
   */
  workDue: "work:due",
  /** Hash with the last ingest run: at, rows, ms, error. */
  ingestLastRun: "ingest:last",
  /** The random salt of one UTC day's visitor hashes (functions/shared/visitor.ts), kept two days at most. */
  visitorSalt: (day: string) => `salt:${day}`,
  /**
   * A Google Safe Browsing verdict of one destination, by SHA-256 (hex) of its canonical URL
   * (functions/abuse/safe-browsing.ts): "safe", or "unsafe:" + the threat type; expires with the verdict.
   */
  safeBrowsing: (urlHash: string) => `sb:${urlHash}`,
  /** Prefix of rate-limit keys (@upstash/ratelimit). */
  rateLimit: "ratelimit",
  /** Prefix of the wrong-password limiter of protected links (per link and salted visitor IP). */
  passwordAttempts: "ratelimit:password",
  /** Prefix of the failed-authentication limiter per salted client IP. */
  authFailures: "ratelimit:auth",
  /** Prefix of the budget of Postgres lookups (unknown or uncached slugs) per salted visitor IP. */
  postgresLookups: "ratelimit:lookup",
  /** Prefix of the wrong-password limiter per link, over all clients. */
  passwordAttemptsPerLink: "ratelimit:password-link",
  /** Prefix of the limiter of link reports per salted client IP (functions/reports/). */
  reportsPerClient: "ratelimit:reports",
  /** Prefix of the limiter of link reports from everyone together. */
  reportsTotal: "ratelimit:reports-all",
} as const;

/** Names a link in the isolate and Redis tiers of the link cache: the slug alone on the default domain. */
export function linkCacheKey(domain: string | null, slug: string): string {
  return domain === null ? slug : `${domain}/${slug}`;
}

/** Seven days: the link cache's TTL in Redis. */
export const LINK_TTL_SECONDS = 7 * 24 * 3600;
/** How long an unknown slug is remembered as unknown, so a scanner cannot hammer Postgres. */
export const NEGATIVE_TTL_SECONDS = 60;
