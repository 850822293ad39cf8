CREATE TABLE "blocked_hosts" (
	"host" text PRIMARY KEY NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "link_reports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"link_id" text,
	"target" text NOT NULL,
	"reason" text NOT NULL,
	"details" text,
	"email" text,
	"status" text DEFAULT 'open' NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "disabled_reason" text;--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "warning" text;--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "health" jsonb;--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "health_due_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "link_reports_status_idx" ON "link_reports" USING btree ("status","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "link_reports_link_idx" ON "link_reports" USING btree ("link_id");--> statement-breakpoint
CREATE INDEX "links_health_due_idx" ON "links" USING btree ("health_due_at" NULLS FIRST);