ALTER TABLE "domains" ADD COLUMN "apple_app_site_association" text;--> statement-breakpoint
ALTER TABLE "domains" ADD COLUMN "asset_links" text;--> statement-breakpoint
ALTER TABLE "domains" ADD COLUMN "qr_logo" text;--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "preview" jsonb;