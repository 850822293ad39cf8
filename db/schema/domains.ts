import { pgTable, text } from "drizzle-orm/pg-core";
import { timestamps } from "./columns.ts";

/**
 * The row of the default domain: the default domain is the host of PUBLIC_BASE_URL, which is configuration,
 * not data, so its row is keyed by this marker instead of a hostname (changing PUBLIC_BASE_URL keeps its
 * links and its redirects). Links on the default domain have links.domain null; this row only holds its
 * redirects, and only once they were set.
 */
export const DEFAULT_DOMAIN_ROW = "";

/** The domains short links are served on: custom ones by lowercase hostname, plus the default's row. */
export const domains = pgTable("domains", {
  /** Lowercase DNS name without a trailing dot or port; DEFAULT_DOMAIN_ROW for the default domain. */
  hostname: text("hostname").primaryKey(),
  /** Where `GET /` on the domain redirects (302); null: /app on the default domain, 404 on the others. */
  rootRedirect: text("root_redirect"),
  /** Where an unknown slug on the domain redirects (302); null: 404. */
  notFoundRedirect: text("not_found_redirect"),
  /**
   * Served byte for byte as /.well-known/apple-app-site-association on the domain (iOS universal links): the
   * JSON text as the API serialized it (text, not jsonb, which would reorder keys); at most 64 KB.
   */
  appleAppSiteAssociation: text("apple_app_site_association"),
  /** Served byte for byte as /.well-known/assetlinks.json on the domain (Android app links); as above. */
  assetLinks: text("asset_links"),
  /** The logo put in the middle of the domain's QR codes: a data: URL of a PNG or SVG of at most 64 KB. */
  qrLogo: text("qr_logo"),
  /** Who made it: a user or key id (links.created_by's form); null for the admin key. */
  createdBy: text("created_by"),
  ...timestamps,
});

export type DomainRow = typeof domains.$inferSelect;
