-- Edited by hand: the order, and these comments. Every existing link moves to the default domain by
-- keeping links.domain null (null = the default domain, the host of PUBLIC_BASE_URL), so no row is
-- rewritten and no link id changes: the clicks already counted stay with their links, and the redirect's
-- Redis entries of the default domain keep their key (link:{slug}), so redirects go on from the cache while
-- this runs. The column and constraint additions are catalog changes (a nullable column, a foreign key that
-- only null values meet); the one statement that reads the table is the new unique index, which is built
-- before the old constraint is dropped, so a slug is never without its uniqueness.
CREATE TABLE "domains" (
	"hostname" text PRIMARY KEY NOT NULL,
	"root_redirect" text,
	"not_found_redirect" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "domains" text[];--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "own_links_only" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "domain" text;--> statement-breakpoint
ALTER TABLE "links" ADD CONSTRAINT "links_domain_domains_hostname_fk" FOREIGN KEY ("domain") REFERENCES "public"."domains"("hostname") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "links" ADD CONSTRAINT "links_domain_slug_unique" UNIQUE NULLS NOT DISTINCT("domain","slug");--> statement-breakpoint
ALTER TABLE "links" DROP CONSTRAINT "links_slug_unique";--> statement-breakpoint
CREATE INDEX "links_created_by_idx" ON "links" USING btree ("created_by","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);
--> statement-breakpoint
-- The default domain's row (db/schema/domains.ts DEFAULT_DOMAIN_ROW): where its redirects are kept.
INSERT INTO "domains" ("hostname") VALUES ('') ON CONFLICT DO NOTHING;
