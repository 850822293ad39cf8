CREATE TABLE "link_totals" (
	"days" smallint NOT NULL,
	"start" date NOT NULL,
	"link_id" text NOT NULL,
	"clicks" integer DEFAULT 0 NOT NULL,
	"humans" integer DEFAULT 0 NOT NULL,
	"bots" integer DEFAULT 0 NOT NULL,
	"previews" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "link_totals_days_start_link_id_pk" PRIMARY KEY("days","start","link_id")
);
