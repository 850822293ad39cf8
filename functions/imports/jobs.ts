/**
 * Imports of more than SYNC_MAX_ROWS rows (or SYNC_MAX_CHARS of them) go on in the background. The request
 * stores the file's rows in Postgres as it reads them, a chunk of at most IMPORT_BATCH_ROWS rows and
 * IMPORT_CHUNK_CHARS per insert (import_chunks), so neither the file nor its rows are ever held whole:
 * Postgres is already the store every part of the service can reach, and a chunk row survives the request,
 * an isolate's death and a deploy. Runs (the request's own waitUntil, then
 * the cron every minute) take the job's lease and apply one chunk per transaction, advancing the job's
 * next_chunk in that same transaction: a run that dies mid-chunk leaves nothing of it, and the next run
 * resumes at that chunk. Each chunk acts for the key that sent the file as that key is then: revoked or
 * without links:write, the job fails (docs/import-export.md).
 */
import type { Db } from "../../db/client.ts";
import {
  claimImportJob, failImportJob, finishImportJob, insertImportChunk, insertImportJob, recordImportChunk, releaseImportJob,
  selectImportChunk, startImportJob,
} from "../../db/queries/imports.ts";
import type { ImportJobRow, LinkRow, StoredImportRow, StoredPrincipal } from "../../db/schema.ts";
import { findUserPrincipal } from "../../db/queries/user-sessions.ts";
import { writeThrough } from "../redirect/link-cache/index.ts";
import { activeKeyPrincipal } from "../shared/auth/key-principal.ts";
import { ADMIN_PRINCIPAL, hasScope, type Principal } from "../shared/auth/scopes.ts";
import type { Env } from "../shared/env.ts";
import type { AppRedis } from "../shared/redis.ts";
import { applyRows, emptyTally, IMPORT_BATCH_ROWS, rowChars, type ImportOptions, type OnConflict, type SourceRow, type Tally } from "./apply.ts";
import type { DetectedFormat } from "./formats.ts";

/** Up to this many rows an import is answered in its request (200); more go on in the background (202). */
export const SYNC_MAX_ROWS = 10_000;
/**
 * ... and up to this much text of its rows (rowChars), which the request holds until the file is read (a bad
 * row is held as its message only): 2,200 rows at the longest URL, title and tags; 10,000 links of about 150
 * characters, a usual export, are under 2,000,000.
 */
export const SYNC_MAX_CHARS = 8_000_000;
/** A stored chunk holds at most IMPORT_BATCH_ROWS rows and about this much text (rowChars). */
export const IMPORT_CHUNK_CHARS = 4_000_000;
/** Wall time a run spends applying chunks, under the 30 s a Worker's waitUntil and cron are sure to get. */
export const IMPORT_BUDGET_MS = 20_000;
/** A run owns a job this long after each chunk; a run that died lets go of it then. */
export const IMPORT_LEASE_MS = 60_000;

export interface JobOwner {
  principal: Principal | undefined;
  requestUrl: string;
}

const storedPrincipal = (p: Principal | undefined): StoredPrincipal =>
  ({ kind: p?.kind ?? "key", id: p?.id ?? "admin", name: p?.name ?? "ADMIN_API_KEY", domains: p?.domains ? [...p.domains] : null, ownLinksOnly: p?.ownLinksOnly ?? false });

/** The stored owner as a Principal (its scopes are not stored: applying a chunk checks none). */
export const jobPrincipal = (s: StoredPrincipal): Principal =>
  ({ kind: s.kind ?? "key", id: s.id ?? s.keyId ?? "admin", name: s.name ?? "", scopes: [], domains: s.domains, ownLinksOnly: s.ownLinksOnly });

/** A finished import's report, kept so GET /api/v1/imports/{id} answers for every import. */
export async function recordFinished(db: Db, id: string, owner: JobOwner, o: ImportOptions, t: Tally, total: number): Promise<void> {
  await insertImportJob(db, {
    id, status: "done", format: o.format, onConflict: o.onConflict, dryRun: o.dryRun, principal: storedPrincipal(owner.principal),
    requestUrl: owner.requestUrl, total, processed: t.processed, created: t.created, updated: t.updated, skipped: t.skipped,
    failed: t.failed, errors: t.errors,
  });
}

/**
 * Stores `head` (rows already read) and the rest of `rows` as chunks of a new job, then lets it run. A
 * failure while reading (a body past its limit, a dropped upload) fails the job, deletes its chunks and is
 * rethrown: nothing of the file is applied.
 */
export async function storeJob(
  db: Db, id: string, owner: JobOwner, o: ImportOptions & { domain?: string | null }, head: SourceRow[], rows: AsyncIterator<SourceRow>,
): Promise<void> {
  await insertImportJob(db, {
    id, status: "receiving", format: o.format, onConflict: o.onConflict, dryRun: o.dryRun, principal: storedPrincipal(owner.principal),
    requestUrl: owner.requestUrl,
  });
  const toStored = (r: SourceRow): StoredImportRow =>
    "error" in r ? { line: r.line, values: { __error: r.error } } : { line: r.line, values: o.domain === undefined ? r.values : { ...r.values, __domain: o.domain } };
  let seq = 0, total = 0, chars = 0;
  let chunk: StoredImportRow[] = [];
  const flush = async () => {
    if (!chunk.length) return;
    await insertImportChunk(db, id, seq++, chunk);
    chunk = [];
    chars = 0;
  };
  const add = async (r: SourceRow) => {
    chunk.push(toStored(r));
    total++;
    chars += rowChars(r);
    if (chunk.length === IMPORT_BATCH_ROWS || chars >= IMPORT_CHUNK_CHARS) await flush();
  };
  try {
    for (const r of head) await add(r);
    for (let next = await rows.next(); !next.done; next = await rows.next()) await add(next.value);
    await flush();
  } catch (e) {
    await failImportJob(db, id, "the upload failed").catch(() => {});
    throw e;
  }
  await startImportJob(db, id, total);
}

/** A stored row back as read; an error row, or the ?domain= the import was sent with, ride in reserved keys. */
function fromStored(r: StoredImportRow): { row: SourceRow; domain?: string | null } {
  const { __error, __domain, ...values } = r.values as { __error?: string; __domain?: string | null };
  if (__error !== undefined) return { row: { line: r.line, error: __error } };
  return { row: { line: r.line, values }, ...(__domain === undefined ? {} : { domain: __domain }) };
}

export interface RunDeps {
  db: Db;
  config: Env;
  redis: AppRedis;
  waitUntil(p: Promise<unknown>): void;
}

/**
 * Runs background imports (the one named, or any that is due) until the budget is spent, `maxChunks` are
 * applied, or none is left.
 */
export async function runImports(deps: RunDeps, budgetMs = IMPORT_BUDGET_MS, id?: string, maxChunks = Infinity): Promise<{ chunks: number }> {
  const deadline = Date.now() + budgetMs;
  let chunks = 0;
  while (Date.now() < deadline && chunks < maxChunks) {
    const job = await claimImportJob(deps.db, IMPORT_LEASE_MS, id);
    if (!job) break;
    chunks += await runJob(deps, job, deadline, maxChunks - chunks);
    if (id !== undefined) break;
  }
  return { chunks };
}

/**
 * Who sent the file (an API key or a person) as they are now, read as authentication reads them and held
 * (FOR SHARE) until the caller's transaction ends; or why they may no longer write links. ADMIN_API_KEY
 * cannot be revoked.
 */
async function senderNow(db: Db, sent: StoredPrincipal): Promise<{ principal: Principal } | { refused: string }> {
  const id = sent.id ?? sent.keyId ?? "admin";
  if (sent.kind !== "user" && id === "admin") return { principal: ADMIN_PRINCIPAL };
  const who = sent.kind === "user" ? "the person who sent the file" : "the API key that sent the file";
  const principal = sent.kind === "user"
    ? await findUserPrincipal(db, id, { lock: true })
    : await activeKeyPrincipal(db, { id }, { lock: true });
  if (!principal) return { refused: `${who} has been ${sent.kind === "user" ? "removed or disabled" : "revoked"}` };
  if (!hasScope(principal, "links:write")) return { refused: `${who} no longer has the "links:write" scope` };
  return { principal };
}

async function runJob(deps: RunDeps, claimed: ImportJobRow, deadline: number, maxChunks: number): Promise<number> {
  let job = claimed;
  let applied = 0;
  // Passwords are bounded per run: each run's CPU, not the file's, is what a Worker limits.
  const passwords = { count: 0 };
  try {
    while (Date.now() < deadline && applied < maxChunks) {
      const stored = await selectImportChunk(deps.db, job.id, job.nextChunk);
      if (!stored) {
        await finishImportJob(deps.db, job.id);
        return applied;
      }
      const t: Tally = { ...emptyTally(), ...pick(job), errors: [...job.errors], passwords: passwords.count };
      const rows = stored.map(fromStored);
      const o: ImportOptions = { format: job.format as DetectedFormat, onConflict: job.onConflict as OnConflict, dryRun: job.dryRun };
      let written: LinkRow[] = [];
      let refused: string | undefined;
      await deps.db.transaction(async (tx) => {
        const db = tx as unknown as Db;
        // The job acts for its sender only while they may: checked as each chunk is taken, and held until the
        // chunk commits, so a revocation waits for the chunk in flight and no chunk commits after it.
        const key = await senderNow(db, job.principal);
        if ("refused" in key) {
          refused = key.refused;
          return;
        }
        const ctx = { var: { config: deps.config, principal: key.principal, db: () => db }, req: { url: job.requestUrl } };
        // Rows of one chunk share the import's ?domain=, so the first says it for all.
        written = await applyRows(ctx, db, rows.map((r) => r.row), { ...o, domain: rows[0]?.domain }, t);
        await recordImportChunk(db, job, pick(t), IMPORT_LEASE_MS);
      });
      if (refused) {
        await failImportJob(deps.db, job.id, refused);
        return applied;
      }
      passwords.count = t.passwords;
      await writeThrough(deps.redis, { waitUntil: (p) => deps.waitUntil(p) }, written);
      job = { ...job, ...pick(t), nextChunk: job.nextChunk + 1 };
      applied++;
    }
    await releaseImportJob(deps.db, job.id);
  } catch (e) {
    // The chunk's transaction rolled back; the lease lapses and a later run tries that chunk again.
    console.error(`import ${job.id}: chunk ${job.nextChunk} failed, to be retried:`, e instanceof Error ? e.message : e);
  }
  return applied;
}

const pick = (t: Pick<Tally, "processed" | "created" | "updated" | "skipped" | "failed" | "errors">) => ({
  processed: t.processed, created: t.created, updated: t.updated, skipped: t.skipped, failed: t.failed, errors: t.errors,
});
