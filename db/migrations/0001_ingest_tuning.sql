ALTER TABLE "visitor_days" DROP CONSTRAINT "visitor_days_link_id_day_visitor_pk";--> statement-breakpoint
ALTER TABLE "visitor_days" ADD CONSTRAINT "visitor_days_day_link_id_visitor_pk" PRIMARY KEY("day","link_id","visitor");--> statement-breakpoint
ALTER TABLE "visitor_days" ADD COLUMN "prev_first_at" timestamp with time zone;--> statement-breakpoint
-- Written by hand (drizzle-kit does not model collations or storage parameters); see functions/ingest/commit.ts.
-- Byte-order ("C") collation on the text keys the ingest writes on every click: equality is unchanged, index
-- and sort comparisons become memcmp instead of locale-aware strcoll (about a quarter of the rollup cost).
ALTER TABLE "clicks" ALTER COLUMN "id" TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "clicks_hourly" ALTER COLUMN "link_id" TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "clicks_dims_hourly" ALTER COLUMN "link_id" TYPE text COLLATE "C", ALTER COLUMN "dim" TYPE text COLLATE "C", ALTER COLUMN "value" TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "clicks_dims_daily" ALTER COLUMN "link_id" TYPE text COLLATE "C", ALTER COLUMN "dim" TYPE text COLLATE "C", ALTER COLUMN "value" TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "visitor_days" ALTER COLUMN "link_id" TYPE text COLLATE "C", ALTER COLUMN "visitor" TYPE text COLLATE "C";--> statement-breakpoint
-- Rollup rows are counters updated again and again: free room in each page lets those updates stay
-- heap-only (HOT), with no new index entry per update.
ALTER TABLE "clicks_hourly" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "clicks_dims_hourly" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "clicks_dims_daily" SET (fillfactor = 70);
