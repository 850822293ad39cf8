CREATE TABLE "clicks_dims_blocks" (
	"link_id" text NOT NULL,
	"days" smallint NOT NULL,
	"start" date NOT NULL,
	"dim" text NOT NULL,
	"value" text NOT NULL,
	"clicks" integer DEFAULT 0 NOT NULL,
	"humans" integer DEFAULT 0 NOT NULL,
	"bots" integer DEFAULT 0 NOT NULL,
	"previews" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "clicks_dims_blocks_link_id_days_start_dim_value_pk" PRIMARY KEY("link_id","days","start","dim","value")
);
--> statement-breakpoint
CREATE TABLE "dims_seal" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"sealed_before" date NOT NULL
);
--> statement-breakpoint
-- Written by hand (drizzle-kit does not model collations or checks): the same byte-order keys as the daily
-- rows the blocks are folded from (db/migrations/0001_ingest_tuning.sql), and one seal row, at a date before
-- any click: nothing is folded until the cron's first fold (db/queries/dim-blocks.ts).
ALTER TABLE "clicks_dims_blocks" ALTER COLUMN "link_id" TYPE text COLLATE "C", ALTER COLUMN "dim" TYPE text COLLATE "C", ALTER COLUMN "value" TYPE text COLLATE "C";--> statement-breakpoint
ALTER TABLE "dims_seal" ADD CONSTRAINT "dims_seal_one_row" CHECK ("id" = 1);--> statement-breakpoint
INSERT INTO "dims_seal" ("id", "sealed_before") VALUES (1, '1970-01-01');
