-- Written by hand; see functions/ingest/commit.ts. The one-statement commit of an ingest batch adds
-- rollups the Worker aggregated ahead of time, which is right only if every click of the batch is new: when
-- some were already stored (a batch delivered again), this aborts the statement, and with it the whole
-- autocommit transaction, with its own SQLSTATE, so the Worker retries the batch the careful way.
CREATE FUNCTION eatmyurl_ingest_all_new(inserted bigint, expected integer) RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
  IF inserted <> expected THEN
    RAISE EXCEPTION 'ingest batch: % of % clicks already stored', expected - inserted, expected
      USING ERRCODE = 'EMU01';
  END IF;
  RETURN inserted;
END
$$;
