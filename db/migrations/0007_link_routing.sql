CREATE TABLE "variant_uniques_hourly" (
	"link_id" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"variant" text NOT NULL,
	"uniques" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "variant_uniques_hourly_link_id_hour_variant_pk" PRIMARY KEY("link_id","hour","variant")
);
--> statement-breakpoint
ALTER TABLE "clicks" ADD COLUMN "chosen_url" text;--> statement-breakpoint
ALTER TABLE "clicks" ADD COLUMN "chosen_by" text;--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "rules" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "links" ADD COLUMN "variants" jsonb;--> statement-breakpoint
ALTER TABLE "visitor_days" ADD COLUMN "variant" text;--> statement-breakpoint
ALTER TABLE "visitor_days" ADD COLUMN "prev_variant" text;