ALTER TABLE "links" ADD COLUMN "valid_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "forward_query" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "crawlable" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "links_url_idx" ON "links" USING hash ("url");