-- Edited by hand: the USING clause. The visitor hash is kept as its first 64 bits (functions/ingest/rollup.ts
-- visitorKey): a third of the index the 64-character text needed. The redirect only ever writes hex hashes;
-- a row that is not hex can only come from a test database, and is dropped (visitor-days live a few days).
DELETE FROM "visitor_days" WHERE "visitor" !~ '^[0-9a-f]{16}';--> statement-breakpoint
ALTER TABLE "visitor_days" ALTER COLUMN "visitor" SET DATA TYPE bigint USING ('x' || left("visitor", 16))::bit(64)::bigint;
