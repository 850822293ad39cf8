/**
 * Queued values (stream entries and inbox rows) into clicks: each validated, then enriched (enrich.ts). Every
 * way a value can be unusable gives a reason for the dead-letter stream instead of an exception, so one bad
 * event never fails its batch.
 */
import { clickEventSchema, entryClicks } from "../shared/click-event.ts";
import { enrich, MAX_DIM, storable, type ClickRecord } from "./enrich.ts";

/** Oldest and newest click time accepted: anything else is a corrupt event, not a click. */
const MIN_TS = Date.UTC(2000, 0, 1);
const MAX_FUTURE_MS = 24 * 3600_000;

export type Parsed = { ok: true; record: ClickRecord } | { ok: false; reason: string };

/**
 * Validates and enriches one queued value (the stream's field "e", or an inbox row's event). Every way it
 * can be unusable gives a reason for the dead-letter stream instead of an exception.
 */
export function parseClick(raw: unknown, now = Date.now()): Parsed {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, reason: "not JSON" };
    }
  } else if (raw === undefined || raw === null) {
    return { ok: false, reason: 'no field "e"' };
  }
  return checkClick(value, now);
}

/** Validates and enriches one click already decoded from JSON. */
function checkClick(value: unknown, now: number): Parsed {
  const r = clickEventSchema.safeParse(value);
  if (!r.success) {
    const first = r.error.issues[0];
    return { ok: false, reason: `not a ClickEvent: ${first.path.join(".") || "(root)"}: ${first.message}` };
  }
  const e = r.data;
  if (e.ts < MIN_TS || e.ts > now + MAX_FUTURE_MS) return { ok: false, reason: `ts ${e.ts} is out of range` };
  // Identifiers are keys of the raw table and the rollups: they are refused, never silently altered.
  for (const [name, v] of [["id", e.id], ["linkId", e.linkId], ["visitor", e.visitor]] as const) {
    if (v.length > MAX_DIM || !storable(v)) return { ok: false, reason: `${name} is too long or not storable` };
  }
  return { ok: true, record: enrich(e) };
}

/** One click of a queued value, parsed, with the text its dead letter keeps if it is unusable. */
export interface EntryClick {
  parsed: Parsed;
  text: string;
}

const textOf = (raw: unknown) => (typeof raw === "string" ? raw : raw == null ? "" : JSON.stringify(raw));

/**
 * Parses one queued value: a stream entry's field "e" (one ClickEvent, or a batch of them: the formats are in
 * functions/shared/click-event.ts) or an inbox row's event. One result per click. An entry that is not JSON,
 * or a batch with an unknown version or no clicks, is one unusable result holding the whole entry (one dead
 * letter, as a bad one-click entry). In a good batch each click stands alone: the valid ones are ingested and
 * each invalid one is a dead letter of its own, holding that click's JSON only, so replaying it puts back
 * that one click as a one-click entry and never the batch's valid clicks a second time.
 */
export function parseStreamEntry(raw: unknown, now = Date.now()): EntryClick[] {
  if (typeof raw !== "string") {
    const batch = entryClicks(raw);
    if ("reason" in batch) return [{ parsed: { ok: false, reason: batch.reason }, text: textOf(raw) }];
    if (batch.clicks.length === 1 && batch.clicks[0] === raw) return [{ parsed: parseClick(raw, now), text: textOf(raw) }];
    return batch.clicks.map((c) => ({ parsed: checkClick(c, now), text: textOf(c) }));
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return [{ parsed: { ok: false, reason: "not JSON" }, text: raw }];
  }
  const batch = entryClicks(value);
  if ("reason" in batch) return [{ parsed: { ok: false, reason: batch.reason }, text: raw }];
  if (batch.clicks.length === 1 && batch.clicks[0] === value) return [{ parsed: checkClick(value, now), text: raw }];
  return batch.clicks.map((c) => ({ parsed: checkClick(c, now), text: textOf(c) }));
}
