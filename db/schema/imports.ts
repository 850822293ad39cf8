import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { timestamps } from "./columns.ts";

/** One line of an import error report: the 1-based line of the file, as an editor shows it. */
export interface ImportError {
  line: number;
  message: string;
}

/**
 * An import too large to finish in its request (functions/imports/jobs.ts; docs/import-export.md): the
 * request stores the file's rows as chunks, then the cron (or the request's own waitUntil) applies them a
 * chunk per transaction, advancing next_chunk in the same transaction, so a crash resumes at the chunk it
 * reached and no row is written twice.
 */
/** A job's owner as stored: enough to check it again at each chunk and to attribute what it creates. */
export interface StoredPrincipal {
  kind?: "key" | "user";
  id?: string;
  /** The key's id, in rows written before `kind` and `id`. */
  keyId?: string;
  name?: string;
  domains: string[] | null;
  ownLinksOnly: boolean;
}

export const importJobs = pgTable(
  "import_jobs",
  {
    id: text("id").primaryKey(),
    /** receiving (the upload is being stored), running, done, failed. */
    status: text("status").notNull(),
    /** The format the rows were read as (sniffed or given): bitly, shlink, kutt, dub, yourls, csv, json. */
    format: text("format").notNull(),
    /** skip or update. */
    onConflict: text("on_conflict").notNull(),
    dryRun: boolean("dry_run").notNull(),
    /**
     * Who sent the file (a Principal without its scopes; `keyId` in rows written before people could sign in).
     * Each chunk re-reads that key by its id and acts as it is then.
     */
    principal: jsonb("principal").$type<StoredPrincipal>().notNull(),
    /** URL of the request that sent the file: the default domain and the service's own hosts follow from it. */
    requestUrl: text("request_url").notNull(),
    /** Rows of the file; known once the upload is stored. */
    total: integer("total").notNull().default(0),
    processed: integer("processed").notNull().default(0),
    created: integer("created").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    /** The first 100 errors; `failed` counts them all. */
    errors: jsonb("errors").$type<ImportError[]>().notNull().default(sql`'[]'::jsonb`),
    /** Sequence number of the first chunk not applied yet. */
    nextChunk: integer("next_chunk").notNull().default(0),
    /** A run owns the job until then; a run that died lets it go when the lease ends. */
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    /** Why the job failed, when it did. */
    message: text("message"),
    ...timestamps,
  },
  (t) => [index("import_jobs_status_idx").on(t.status, t.createdAt)],
);

/** A stored row of an import: its line and its fields under our names (functions/imports/formats.ts). */
export interface StoredImportRow {
  line: number;
  values: Record<string, unknown>;
}

/** The rows of a background import, a few hundred per chunk, deleted as each is applied. */
export const importChunks = pgTable(
  "import_chunks",
  {
    jobId: text("job_id").notNull().references(() => importJobs.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    rows: jsonb("rows").$type<StoredImportRow[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.seq] })],
);

export type ImportJobRow = typeof importJobs.$inferSelect;
