ALTER TABLE "links" ALTER COLUMN "health_due_at" SET DEFAULT now() + interval '5 minutes';--> statement-breakpoint
-- Written by hand; see db/queries/link-health.ts. The links trigger of 0008_webhooks.sql, now also aware of
-- health checks: a write of only health and health_due_at (the cron's checks) is no link.updated; a check
-- that changes a link's status is a link.health event, in the same statement. A link's first check that
-- finds it ok is not news (every new link would send one), and clearing health (its URL changed) is not.
CREATE OR REPLACE FUNCTION eatmyurl_webhook_link_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  kind text := CASE TG_OP WHEN 'INSERT' THEN 'link.created' WHEN 'UPDATE' THEN 'link.updated' ELSE 'link.deleted' END;
  r links;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF TG_OP = 'UPDATE' THEN
    IF NEW.health IS NOT NULL
       AND (NEW.health->>'status') IS DISTINCT FROM (OLD.health->>'status')
       AND NOT (OLD.health IS NULL AND NEW.health->>'status' = 'ok')
       AND EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled AND 'link.health' = ANY(events)) THEN
      INSERT INTO webhook_outbox (type, link_id, "row") VALUES ('link.health', r.id, to_jsonb(r));
    END IF;
    IF to_jsonb(NEW) - 'health' - 'health_due_at' = to_jsonb(OLD) - 'health' - 'health_due_at' THEN
      RETURN NULL;
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled AND kind = ANY(events)) THEN
    INSERT INTO webhook_outbox (type, link_id, "row") VALUES (kind, r.id, to_jsonb(r));
  END IF;
  RETURN NULL;
END
$$;
