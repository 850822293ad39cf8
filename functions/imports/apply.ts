/**
 * Applying rows of a file to the links, a batch at a time: each row is validated as the body of
 * POST /api/v1/links (the same schema, the same 422 rules, the same key restrictions), then the batch is
 * written in one insert (random slugs retried as on create) and at most one update. A bad row fails alone.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { IMPORT_UPDATE_COLUMNS, selectLinksByKeys, takenLinkIds, upsertLinks, type NewLink } from "../../db/queries/links.ts";
import type { ImportError, LinkRow, StoredImportRow } from "../../db/schema.ts";
import { insertDrafts, type Draft } from "../api/links/create-links.ts";
import { linkScopeOf, lookupDomains, unknownDomain, hostnameOf, type LinkCtx } from "../api/domains/resolve.ts";
import { policyErrors, toValues } from "../api/links/rules.ts";
import { servedAndBlocked } from "../api/links/served-hosts.ts";
import { blockRulesFor, destinationsOf, screenDestinations } from "../abuse/destination-checks.ts";
import { CreateLinkInput } from "../api/links/schemas.ts";
import { samePreview } from "../api/links/preview-schemas.ts";
import { fieldErrors } from "../shared/validation.ts";
import { randomSlug } from "../shared/slugs.ts";
import { toLinkInput, type DetectedFormat, type RowExtras } from "./formats.ts";

/** Rows per statement. */
export const IMPORT_BATCH_ROWS = 500;
/** Errors an ImportReport lists; `failed` counts the rest. */
export const MAX_LISTED_ERRORS = 100;
/** Each password costs a PBKDF2 hash (about 16 ms of CPU): this many per request or background run. */
export const MAX_IMPORT_PASSWORDS = 100;

export type OnConflict = "skip" | "update";

export interface ImportOptions {
  format: DetectedFormat;
  onConflict: OnConflict;
  dryRun: boolean;
  /** Every row on this domain (the import's ?domain=); undefined: each row's own. */
  domain?: string | null;
}

/** A row whose fields made a valid link input (judgeRow): kept, so the row is not validated twice. */
export interface JudgedRow extends StoredImportRow {
  judged: { input: CreateLinkInput; extras: RowExtras };
}

/** A row as read (its fields under our names) or as judged, or why it fails. */
export type SourceRow = StoredImportRow | JudgedRow | { line: number; error: string };

/**
 * Validates a row as the body of POST /api/v1/links: why it fails, or the row with its link input. Done as
 * rows are read, so a bad row is held as its message only, however large its cells were.
 */
export function judgeRow(row: SourceRow, o: Pick<ImportOptions, "format" | "domain">): JudgedRow | { line: number; error: string } {
  if ("error" in row || "judged" in row) return row;
  const mapped = toLinkInput(row.values, o.format, o.domain);
  if (!mapped.ok) return { line: row.line, error: mapped.message };
  const parsed = CreateLinkInput.safeParse(mapped.input);
  if (!parsed.success) return { line: row.line, error: fieldErrors(parsed.error.issues).map((e) => `${e.path || "row"}: ${e.message}`).join("; ") };
  return { ...row, judged: { input: parsed.data, extras: mapped.extras } };
}

/** About how much text a row holds (UTF-16 units): what bounds the rows held, or stored in one chunk, at once. */
export function rowChars(row: SourceRow): number {
  if ("error" in row) return row.error.length;
  let n = 0;
  for (const v of Object.values(row.values)) n += typeof v === "string" ? v.length : (JSON.stringify(v)?.length ?? 0);
  return n;
}

export interface Tally {
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  errors: ImportError[];
  /** Rows with a password hashed so far (MAX_IMPORT_PASSWORDS). */
  passwords: number;
  /** A dry run's own creations, so that a later row with the same slug counts as the conflict it would be. */
  claimed: Set<string>;
}

export const emptyTally = (): Tally => ({ processed: 0, created: 0, updated: 0, skipped: 0, failed: 0, errors: [], passwords: 0, claimed: new Set() });

function fail(t: Tally, line: number, message: string) {
  t.failed++;
  if (t.errors.length < MAX_LISTED_ERRORS) t.errors.push({ line, message });
}

interface Accepted {
  line: number;
  input: CreateLinkInput;
  extras: RowExtras;
  domain: string | null;
  /** Safe Browsing did not answer for its destinations: written with its health check due now. */
  recheck?: boolean;
}

const keyOf = (domain: string | null, slug: string) => `${domain ?? ""}/${slug}`;

/** Timestamps as Postgres text, so microseconds from an export are kept (a Date holds milliseconds). */
const instant = (iso: string) => sql`${iso}::timestamptz` as unknown as Date;

/**
 * Applies `rows` (at most a batch) and counts each in `t`. Returns the links written, for the caller to
 * write through to the link cache once they are committed.
 */
export async function applyRows(ctx: LinkCtx, db: Db, rows: readonly SourceRow[], o: ImportOptions, t: Tally): Promise<LinkRow[]> {
  const valid: { line: number; input: CreateLinkInput; extras: RowExtras }[] = [];
  for (const read of rows) {
    t.processed++;
    const row = judgeRow(read, o);
    if ("error" in row) {
      fail(t, row.line, row.error);
      continue;
    }
    const { input, extras } = row.judged;
    if (typeof input.password === "string" && ++t.passwords > MAX_IMPORT_PASSWORDS) {
      fail(t, row.line, `password: at most ${MAX_IMPORT_PASSWORDS} rows of an import may have one (hashing is slow on purpose); import the rest separately`);
      continue;
    }
    valid.push({ line: row.line, input, extras });
  }

  // Built anew, not spread: a Hono context keeps `req` on its prototype.
  const onDb: LinkCtx = { var: { config: ctx.var.config, principal: ctx.var.principal, db: () => db }, req: { url: ctx.req.url } };
  const destinations = valid.map((v) => destinationsOf(v.input));
  const none = { served: new Set<string>(), blocked: new Set<string>() };
  const [domains, { served, blocked }] = await Promise.all([
    lookupDomains(onDb, valid.map((v) => v.input.domain)),
    valid.length ? servedAndBlocked(onDb, blockRulesFor(destinations)) : none,
  ]);
  const checked: (Accepted & { k: number })[] = [];
  for (const [k, v] of valid.entries()) {
    const domain = domains.get(v.input.domain);
    if (domain === undefined) {
      const name = v.input.domain ?? hostnameOf(ctx, null);
      fail(t, v.line, `domain: ${unknownDomain(name).message} Add it first, or import with ?domain= to put every row on one domain.`);
      continue;
    }
    const errors = policyErrors(v.input, served);
    if (errors.length) fail(t, v.line, errors.map((e) => `${e.path}: ${e.message}`).join("; "));
    else checked.push({ ...v, domain, k });
  }
  // The destinations of the batch's rows, checked together: one blocklist query (above), one Safe Browsing MGET.
  const screened = await screenDestinations(ctx.var.config, checked.map((a) => destinations[a.k]), blocked);
  let pending: Accepted[] = [];
  for (const [i, { k: _, ...a }] of checked.entries()) {
    const p = screened[i].problem;
    if (p) fail(t, a.line, (p.errors ?? []).map((e) => `${e.path}: ${e.message}`).join("; "));
    else pending.push({ ...a, recheck: screened[i].recheck });
  }

  // Rows naming the same slug twice are applied in order, one pass per repetition: the second is then a
  // conflict with the first, exactly as if it had come in a later batch.
  const written: LinkRow[] = [];
  while (pending.length) {
    const seen = new Set<string>();
    const now: Accepted[] = [];
    const later: Accepted[] = [];
    for (const a of pending) {
      const k = a.input.slug === undefined ? null : keyOf(a.domain, a.input.slug);
      if (k !== null && seen.has(k)) later.push(a);
      else {
        if (k !== null) seen.add(k);
        now.push(a);
      }
    }
    written.push(...(await applyPass(ctx, db, now, o, t)));
    pending = later;
  }
  return written;
}

async function applyPass(ctx: LinkCtx, db: Db, items: Accepted[], o: ImportOptions, t: Tally): Promise<LinkRow[]> {
  const named = items.filter((a) => a.input.slug !== undefined);
  const [existingRows, takenIds] = await Promise.all([
    selectLinksByKeys(db, named.map((a) => ({ domain: a.domain, slug: a.input.slug! }))),
    takenLinkIds(db, items.flatMap((a) => (a.extras.id ? [a.extras.id] : []))),
  ]);
  const existing = new Map(existingRows.map((r) => [keyOf(r.domain, r.slug), r]));
  const scope = linkScopeOf(ctx.var.principal);
  const creator = ctx.var.principal?.id;
  const createdBy = creator && creator !== "admin" ? creator : null;

  const creates: { line: number; draft: Draft }[] = [];
  const updates: (NewLink & { id: string })[] = [];
  for (const a of items) {
    const k = a.input.slug === undefined ? null : keyOf(a.domain, a.input.slug);
    const found = k === null ? undefined : existing.get(k);
    if (found || (k !== null && o.dryRun && t.claimed.has(k))) {
      if (found && scope.createdBy !== null && found.createdBy !== scope.createdBy) {
        fail(t, a.line, `slug: "${a.input.slug}" is taken`);
      } else if (!found) {
        // Only a dry run gets here: a row it would already have created.
        if (o.onConflict === "update") t.updated++;
        else t.skipped++;
      } else if (o.onConflict === "skip") {
        t.skipped++;
      } else {
        const values = await toValues(a.input, ctx.var.config.PASSWORD_ITERATIONS);
        const merged = { ...found, ...values, slug: found.slug, domain: found.domain };
        if (a.recheck) merged.healthDueAt = new Date();
        if (changed(found, values)) updates.push(merged);
        else t.skipped++;
      }
      continue;
    }
    if (o.dryRun) {
      t.created++;
      if (k !== null) t.claimed.add(k);
      continue;
    }
    const values = await toValues(a.input, ctx.var.config.PASSWORD_ITERATIONS);
    const id = a.extras.id && !takenIds.has(a.extras.id) ? a.extras.id : crypto.randomUUID();
    const created = a.extras.createdAt;
    const row = {
      ...values,
      url: values.url!,
      id,
      slug: a.input.slug ?? randomSlug(),
      domain: a.domain,
      createdBy,
      ...(a.recheck ? { healthDueAt: new Date() } : {}),
      ...(created ? { createdAt: instant(created) } : {}),
      ...(a.extras.updatedAt || created ? { updatedAt: instant(a.extras.updatedAt ?? created!) } : {}),
    };
    creates.push({ line: a.line, draft: { row, custom: a.input.slug !== undefined } });
  }
  if (o.dryRun) {
    t.updated += updates.length;
    return [];
  }
  const audit = { actor: ctx.var.principal ?? null, action: "links.imported" };
  const inserted = await insertDrafts(db, creates.map((c) => c.draft), randomSlug, audit);
  const out: LinkRow[] = [];
  for (const row of inserted) {
    // null: a custom slug taken meanwhile by another writer; that link is left as it is.
    if (row) {
      t.created++;
      out.push(row);
    } else t.skipped++;
  }
  const rewritten = await upsertLinks(db, updates, audit);
  t.updated += rewritten.length;
  return [...out, ...rewritten];
}

/** Whether `values` would change `row` (a password is always a change: its hash is salted). */
function changed(row: LinkRow, values: Partial<NewLink>): boolean {
  for (const c of IMPORT_UPDATE_COLUMNS) {
    if (!(c in values)) continue;
    if (c === "passwordHash") {
      if (values.passwordHash !== null || row.passwordHash !== null) return true;
      continue;
    }
    // jsonb keeps the card's keys in an order of its own: compared field by field.
    if (c === "preview") {
      if (!samePreview(row.preview, values.preview)) return true;
      continue;
    }
    const a = row[c] instanceof Date ? (row[c] as Date).toISOString() : JSON.stringify(row[c] ?? null);
    const b = values[c] instanceof Date ? (values[c] as Date).toISOString() : JSON.stringify(values[c] ?? null);
    if (a !== b) return true;
  }
  return false;
}
